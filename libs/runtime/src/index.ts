export { standaloneConfigFields, adminTokenField, logLevelField } from './config-fields';
export { serviceNames, type ServiceNames } from './naming';
export { modulesReady } from './readiness';
export { runStandalone, type ServiceDeps, type StandaloneService } from './standalone';
