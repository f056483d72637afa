export { uniqueName } from './unique-name';
export { type InfraUrls, infraUrls } from './infra-urls';
export { type WaitForOptions, waitFor } from './wait-for';
export { dropPgSchema } from './drop-pg-schema';
export { type RemoveNamespaceOptions, removeNamespace } from './remove-namespace';
export { type InfraService } from './infra-flags';
export { describeWithInfra } from './describe-with-infra';
export { freePort } from './free-port';
