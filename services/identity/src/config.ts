import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, standaloneConfigFields } from '@cjo/runtime';
import { TYPE_NAME_PATTERN } from './identifiers';
import { DEFAULT_BLOCKED_VALUES, NORMALISATIONS, PATH_PATTERN } from './rules/identity-rules';

const name = TYPE_NAME_PATTERN.slice(1, -1);
const path = PATH_PATTERN.slice(1, -1);

/** Keys are the environment variable names read by loadConfig. */
export const identityConfigSchema = Type.Object({
  ...standaloneConfigFields(8082),
  CJO_ADMIN_TOKEN: adminTokenField,
  /** How long identifier -> profile links stay in the KV cache. */
  IDENTITY_CACHE_TTL_MS: Type.Integer({ default: 300_000, minimum: 1 }),
  /**
   * How long the tombstone an invalidation leaves lives; a batch whose Postgres read is older than
   * half of it fills nothing (see graph/identity-cache.ts).
   */
  IDENTITY_CACHE_TOMBSTONE_MS: Type.Integer({ default: 60_000, minimum: 1_000 }),
  /** Values that never link anything (compared after normalisation, case-insensitively); an empty value never does either. */
  IDENTITY_BLOCKED_VALUES: Type.Array(Type.String({ minLength: 1 }), { default: DEFAULT_BLOCKED_VALUES }),
  /** Most identifiers of one type (other than userId, always 1) a profile may have. */
  IDENTITY_DEFAULT_LIMIT: Type.Integer({ default: 5, minimum: 1 }),
  /** Per-type limits, e.g. `anonymousId=50,email=3`. */
  IDENTITY_TYPE_LIMITS: Type.Array(Type.String({ pattern: `^${name}=[1-9][0-9]{0,5}$` }), { default: [] }),
  /**
   * Extra identifier types read from event fields: `type=path[|path…][@normalisation]`, e.g.
   * `deviceId=context.device.id`, `crmId=traits.crm_id|properties.crm_id@trim`. Normalisations: none
   * (default), trim, lowercase, email, phone. More can be added at run time through the admin API.
   */
  IDENTITY_TYPES: Type.Array(
    Type.String({ pattern: `^${name}=${path}(\\|${path})*(@(${NORMALISATIONS.join('|')}))?$` }),
    { default: [] },
  ),
  /** ISO 3166 country assumed for phone numbers without an international prefix (e.g. `US`); empty: none. */
  IDENTITY_PHONE_COUNTRY: Type.String({ pattern: '^([A-Z]{2})?$', default: '' }),
  /** Records per batch handler call. */
  IDENTITY_BATCH_SIZE: Type.Integer({ default: 1_000, minimum: 1, maximum: 5_000 }),
  /** Partitions of the raw topic one instance works on at the same time (the raw topic has 6). */
  IDENTITY_PARTITIONS_CONCURRENTLY: Type.Integer({ default: 6, minimum: 1, maximum: 64 }),
  /** How often an instance re-reads the identifier types stored through the admin API. */
  IDENTITY_RULES_REFRESH_MS: Type.Integer({ default: 5_000, minimum: 100 }),
  /** How often unpublished merges and splits (older than the grace below) are published again. */
  IDENTITY_OUTBOX_INTERVAL_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  IDENTITY_OUTBOX_GRACE_MS: Type.Integer({ default: 30_000, minimum: 0 }),
});

export type IdentityConfig = Static<typeof identityConfigSchema>;
