export { createIngestService, ingestMigrationsDir, type IngestServiceDeps } from './service';
export { ingestConfigSchema, type IngestConfig } from './config';
export { CALL_TYPES, type CallType } from './calls';
export { MAX_EVENT_BYTES, MAX_ID_LENGTH, MAX_REQUEST_BYTES } from './limits';
