import { runStandalone } from '@cjo/runtime';
import { createIngestService, ingestConfigSchema, ingestMigrationsDir } from './index';

/** Runs the ingest service alone against Kafka, Postgres and Redis (the distributed shape). */
void runStandalone({
  name: 'ingest',
  configSchema: ingestConfigSchema,
  migrationsDir: ingestMigrationsDir,
  create: (config, deps) => createIngestService({ ...deps, config }),
});
