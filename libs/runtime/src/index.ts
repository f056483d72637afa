export { standaloneConfigFields, adminTokenField, logLevelField } from './config-fields';
export { serviceNames, type ServiceNames } from './naming';
export { runStandalone, type ServiceDeps, type StandaloneService } from './standalone';
