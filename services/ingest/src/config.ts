import { Type, type Static } from '@sinclair/typebox';
import { adminTokenField, logLevelField, standaloneConfigFields } from '@cjo/runtime';

/** An IP address or a CIDR range (v4 or v6), or one of proxy-addr's names for the usual private ranges. */
const trustedProxy = Type.String({ pattern: '^([0-9A-Fa-f:.]+(/[0-9]{1,3})?|loopback|linklocal|uniquelocal)$' });

/** Keys are the environment variable names read by loadConfig. */
export const ingestConfigSchema = Type.Object({
  ...standaloneConfigFields(8081),
  CJO_ADMIN_TOKEN: adminTokenField,
  /** How long a write key -> source lookup is cached; rotating a key or disabling a source clears the entry at once. */
  SOURCE_CACHE_TTL_MS: Type.Integer({ default: 60_000, minimum: 1 }),
  /**
   * How long each instance keeps its own copy of a write key lookup (unknown keys included). A rotated
   * key or disabled source stops working at once on the instance that changed it, within this on the others.
   */
  SOURCE_LOCAL_CACHE_TTL_MS: Type.Integer({ default: 2_000, minimum: 1 }),
  /**
   * Peers whose X-Forwarded-For is believed when stamping context.ip (comma list of IPs or CIDRs).
   * Empty: the TCP peer is the client, and X-Forwarded-For is ignored.
   */
  TRUSTED_PROXIES: Type.Array(trustedProxy, { default: [] }),
  /** Events per second each source may send on average; 0 turns rate limiting off. */
  RATE_LIMIT_PER_SECOND: Type.Integer({ default: 2_000, minimum: 0 }),
  /** Events a source may send at once after being idle (see services/ingest/README.md). */
  RATE_LIMIT_BURST: Type.Integer({ default: 10_000, minimum: 1 }),
  /** How long a (source, messageId) pair is remembered, so a resent event is published once. */
  DEDUPE_WINDOW_MS: Type.Integer({ default: 24 * 60 * 60 * 1000, minimum: 1 }),
  /**
   * How long a claim on a messageId lasts while its event is being published. It must outlast the
   * slowest publish (the Kafka bus gives up after about 40 s), else a retry could publish the event
   * again; it is also how long a client retries in vain after an instance crashed mid-publish.
   */
  DEDUPE_PENDING_TTL_MS: Type.Integer({ default: 60_000, minimum: 1 }),
  /**
   * Log level of the tracking routes. At info each call writes its access log lines (two per
   * request) and each refused call a line; the default keeps a busy front door's log to failures,
   * which the metrics count by reason anyway. Set info to trace one client's calls.
   */
  TRACKING_LOG_LEVEL: { ...logLevelField, default: 'warn' },
});

export type IngestConfig = Static<typeof ingestConfigSchema>;
