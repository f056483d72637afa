import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, standaloneConfigFields } from '@cjo/runtime';

/** Keys are the environment variable names read by loadConfig. */
export const ingestConfigSchema = Type.Object({
  ...standaloneConfigFields(8081),
  CJO_ADMIN_TOKEN: adminTokenField,
  /** How long a write key -> source lookup is cached; a disabled source is refused at the latest after this. */
  SOURCE_CACHE_TTL_MS: Type.Integer({ default: 60_000, minimum: 1 }),
});

export type IngestConfig = Static<typeof ingestConfigSchema>;
