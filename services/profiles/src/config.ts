import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, standaloneConfigFields } from '@cjo/runtime';

/** Keys are the environment variable names read by loadConfig. */
export const profilesConfigSchema = Type.Object({
  ...standaloneConfigFields(8083),
  CJO_ADMIN_TOKEN: adminTokenField,
  /**
   * Most resolved events one transaction applies (one read, one write and one publish per batch). A batch
   * never waits to fill up: at low rates it is whatever arrived; under load bigger batches amortise the round trips.
   */
  PROFILES_BATCH_SIZE: Type.Integer({ default: 2_000, minimum: 1, maximum: 10_000 }),
  /** Partitions of the resolved topic one instance works on at the same time (each holds a Postgres connection). */
  PROFILES_PARTITIONS_CONCURRENTLY: Type.Integer({ default: 3, minimum: 1, maximum: 16 }),
  /** How long a profile view stays in the Redis cache at most (writes invalidate it at once). */
  PROFILES_CACHE_TTL_MS: Type.Integer({ default: 30_000, minimum: 1 }),
  /** Days of event history kept: the timeline, and the longest window a computed trait or segment may use. */
  PROFILES_EVENT_RETENTION_DAYS: Type.Integer({ default: 90, minimum: 1, maximum: 3_650 }),
  /** How often window expiries and queued evaluations are looked for (the delay of an expiry's membership change). */
  PROFILES_TIMER_POLL_MS: Type.Integer({ default: 200, minimum: 10 }),
  /** How often waiting segment backfills are looked for (a segment created on this instance starts at once). */
  PROFILES_BACKFILL_POLL_MS: Type.Integer({ default: 1_000, minimum: 10 }),
  /** Profiles per backfill transaction. */
  PROFILES_BACKFILL_CHUNK_SIZE: Type.Integer({ default: 500, minimum: 1, maximum: 10_000 }),
  /** How long a backfill job stays with an instance that stopped renewing it (crashed) before another takes it over. */
  PROFILES_BACKFILL_LEASE_MS: Type.Integer({ default: 30_000, minimum: 100 }),
});

export type ProfilesConfig = Static<typeof profilesConfigSchema>;
