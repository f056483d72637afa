import { runStandalone } from '@cjo/runtime';
import { createProfilesService, profilesConfigSchema, profilesMigrationsDir } from './index';

/** Runs the profiles service alone against Kafka, Postgres and Redis (the distributed shape). */
void runStandalone({
  name: 'profiles',
  configSchema: profilesConfigSchema,
  migrationsDir: profilesMigrationsDir,
  create: (config, deps) => createProfilesService({ ...deps, config }),
});
