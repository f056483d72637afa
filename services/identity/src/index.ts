export { createIdentityService, identityMigrationsDir, type IdentityServiceDeps } from './service';
export { identityConfigSchema, type IdentityConfig } from './config';
export type { Identifier } from './identifiers';
