import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { publishRecords } from '@cjo/bus';
import { metricsRegistryOf } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import type { IngestConfig } from './config';
import { backgroundConfirmations } from './confirmations';
import { kvDedupeStore } from './dedupe-store';
import type { IngestHandlerDeps } from './handler';
import { compileTrustedProxies } from './http/client-info';
import { trackingApi } from './http/tracking-api';
import { createIngestMetrics } from './metrics';
import { createRateLimiter } from './rate-limiter';
import { registerSourceRoutes } from './routes/sources';
import { cachedSourceLookup } from './source-lookup';
import type { KeyedRawEvent } from './steps/build-raw-event';

export const ingestMigrationsDir = join(__dirname, '..', 'migrations');

/** Ingest has no consumer, so it needs no consumer group (a composition root may still pass one). */
export interface IngestServiceDeps extends Omit<ServiceDeps, 'consumerGroup'> {
  config: Pick<
    IngestConfig,
    | 'CJO_ADMIN_TOKEN'
    | 'SOURCE_CACHE_TTL_MS'
    | 'SOURCE_LOCAL_CACHE_TTL_MS'
    | 'TRUSTED_PROXIES'
    | 'RATE_LIMIT_PER_SECOND'
    | 'RATE_LIMIT_BURST'
    | 'DEDUPE_WINDOW_MS'
    | 'DEDUPE_PENDING_TTL_MS'
    | 'TRACKING_LOG_LEVEL'
  >;
  now?: () => number;
}

/** Accepts events over HTTP and puts them on cjo.events.raw.v1; it has no consumers. */
export function createIngestService(deps: IngestServiceDeps): ServiceModule {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ service: 'ingest' });
  const trust = compileTrustedProxies(config.TRUSTED_PROXIES);
  const sources = cachedSourceLookup(deps.db, deps.kv, {
    sharedTtlMs: config.SOURCE_CACHE_TTL_MS,
    localTtlMs: config.SOURCE_LOCAL_CACHE_TTL_MS,
  });
  const codec = deps.contract.codec('rawEvents');
  const dedupe = kvDedupeStore(deps.kv, { pendingTtlMs: config.DEDUPE_PENDING_TTL_MS, doneTtlMs: config.DEDUPE_WINDOW_MS });
  const confirmations = backgroundConfirmations(dedupe, (err, messageIds) =>
    logger.warn({ err, messageIds }, 'dedupe markers not written: a resend after the claims expire would publish again'),
  );
  const handler: IngestHandlerDeps = {
    lookupSource: sources.lookup,
    rateLimiter: createRateLimiter(deps.kv, { perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST }, now),
    dedupe,
    confirmations,
    // One bus call per request, whatever the number of events.
    publish: (events: KeyedRawEvent[]) =>
      publishRecords(deps.bus, codec, events.map(({ key, event }) => ({ key, value: event }))),
    now,
    newId: randomUUID,
  };
  return {
    name: 'ingest',
    routes: async (app) => {
      registerSourceRoutes(app, {
        db: deps.db,
        logger,
        adminToken: config.CJO_ADMIN_TOKEN,
        now,
        newId: randomUUID,
        invalidateKey: sources.invalidate,
      });
      await app.register(
        trackingApi({ handler, metrics: createIngestMetrics(metricsRegistryOf(app)), trust, logLevel: config.TRACKING_LOG_LEVEL }),
      );
    },
    // Ingest only answers HTTP: there is no consumer to start, and the app that mounts the routes
    // closes them. It is stopped after the HTTP server closed and before Redis is: the last
    // requests' done markers are written first.
    async start() {},
    stop: () => confirmations.settle(),
  };
}
