import { runStandalone } from '@cjo/runtime';
import { createJourneysService, journeysConfigSchema, journeysMigrationsDir } from './index';

/** Runs the journeys service alone against Kafka, Postgres and Redis (the distributed shape). */
void runStandalone({
  name: 'journeys',
  configSchema: journeysConfigSchema,
  migrationsDir: journeysMigrationsDir,
  create: (config, deps) => createJourneysService({ ...deps, config }),
});
