import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, standaloneConfigFields } from '@cjo/runtime';

/** Keys are the environment variable names read by loadConfig. */
export const identityConfigSchema = Type.Object({
  ...standaloneConfigFields(8082),
  CJO_ADMIN_TOKEN: adminTokenField,
  /** How long identifier -> profile links stay in the KV cache. */
  IDENTITY_CACHE_TTL_MS: Type.Integer({ default: 300_000, minimum: 1 }),
});

export type IdentityConfig = Static<typeof identityConfigSchema>;
