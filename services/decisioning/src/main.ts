import { runStandalone } from '@cjo/runtime';
import { createDecisioningService, decisioningConfigSchema, decisioningMigrationsDir } from './index';

/** Runs the decisioning service alone against Kafka, Postgres and Redis (the distributed shape). */
void runStandalone({
  name: 'decisioning',
  configSchema: decisioningConfigSchema,
  migrationsDir: decisioningMigrationsDir,
  create: (config, deps) => createDecisioningService({ ...deps, config }),
});
