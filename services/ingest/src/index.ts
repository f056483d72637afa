export { createIngestService, ingestMigrationsDir, type IngestServiceDeps } from './service';
export { ingestConfigSchema, type IngestConfig } from './config';
