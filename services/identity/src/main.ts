import { runStandalone } from '@cjo/runtime';
import { createIdentityService, identityConfigSchema, identityMigrationsDir } from './index';

/** Runs the identity service alone against Kafka, Postgres and Redis (the distributed shape). */
void runStandalone({
  name: 'identity',
  configSchema: identityConfigSchema,
  migrationsDir: identityMigrationsDir,
  create: (config, deps) => createIdentityService({ ...deps, config }),
});
