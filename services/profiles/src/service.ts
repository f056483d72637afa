import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createRecordConsumer } from '@cjo/bus';
import { metricsRegistryOf } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import { createDefinitionsAdmin } from './admin/definitions-admin';
import { createIdentityChangeHandler } from './batch/identity-change-handler';
import { createResolvedBatchHandler } from './batch/resolved-batch-handler';
import type { ProfilesRuntime } from './batch/runtime';
import { createProfileCache } from './cache/profile-cache';
import { createCatalogSource } from './catalog/catalog-source';
import type { ProfilesConfig } from './config';
import { createProfilesMetrics } from './metrics';
import { registerComputedTraitRoutes } from './routes/computed-trait-routes';
import { registerGroupRoutes } from './routes/group-routes';
import { registerProfileRoutes } from './routes/profile-routes';
import { registerSegmentRoutes } from './routes/segment-routes';
import { registerSuppressionRoutes } from './routes/suppression-routes';
import { runBackfillPass } from './workers/backfill';
import { createPoller } from './workers/poller';
import { pruneExpiredEvents } from './workers/retention';
import { evaluatePending, expireDueWindows } from './workers/window-timers';

export const profilesMigrationsDir = join(__dirname, '..', 'migrations');

const DAY_MS = 24 * 60 * 60 * 1000;
/** Profiles one timer pass takes. */
const TIMER_BATCH = 500;
const RETENTION_POLL_MS = 10 * 60 * 1000;
const RETENTION_BATCH = 10_000;

export interface ProfilesServiceDeps extends ServiceDeps {
  config: Pick<
    ProfilesConfig,
    | 'CJO_ADMIN_TOKEN'
    | 'PROFILES_BATCH_SIZE'
    | 'PROFILES_PARTITIONS_CONCURRENTLY'
    | 'PROFILES_CACHE_TTL_MS'
    | 'PROFILES_EVENT_RETENTION_DAYS'
    | 'PROFILES_TIMER_POLL_MS'
    | 'PROFILES_BACKFILL_POLL_MS'
    | 'PROFILES_BACKFILL_CHUNK_SIZE'
    | 'PROFILES_BACKFILL_LEASE_MS'
  >;
  now?: () => number;
}

/**
 * The profile store: cjo.events.resolved.v1 and cjo.identity.changes.v1 in; cjo.profiles.changes.v1,
 * cjo.segments.memberships.v1 and cjo.profiles.deletions.v1 out; background workers for window
 * expiry, segment backfills and event retention; the admin API.
 */
export function createProfilesService(deps: ProfilesServiceDeps): ServiceModule {
  const { config } = deps;
  const logger = deps.logger.child({ service: 'profiles' });
  const now = deps.now ?? Date.now;
  const metrics = createProfilesMetrics();
  const catalogs = createCatalogSource(logger);
  const retentionMs = config.PROFILES_EVENT_RETENTION_DAYS * DAY_MS;
  const cache = createProfileCache(deps.kv, { ttlMs: config.PROFILES_CACHE_TTL_MS, logger });
  const runtime: ProfilesRuntime = {
    db: deps.db,
    bus: deps.bus,
    catalogs,
    codecs: {
      profileChanges: deps.contract.codec('profileChanges'),
      memberships: deps.contract.codec('segmentMemberships'),
      deletions: deps.contract.codec('profileDeletions'),
    },
    metrics,
    now,
    logger,
  };

  const events = createRecordConsumer(deps.bus, {
    name: 'profiles',
    // Every profiles instance joins this group, so the resolved topic's partitions are shared among them.
    groupId: deps.consumerGroup,
    codec: deps.contract.codec('resolvedEvents'),
    batchHandler: createResolvedBatchHandler(runtime),
    maxBatchSize: config.PROFILES_BATCH_SIZE,
    partitionsConsumedConcurrently: config.PROFILES_PARTITIONS_CONCURRENTLY,
    logger,
  });
  const identityChanges = createRecordConsumer(deps.bus, {
    name: 'profiles identity changes',
    // A group of its own: members of one group should subscribe to the same topics.
    groupId: `${deps.consumerGroup}.identity-changes`,
    codec: deps.contract.codec('identityChanges'),
    handler: createIdentityChangeHandler(runtime),
    logger,
  });

  let stopping = false;
  const timers = createPoller({
    name: 'window timers',
    intervalMs: config.PROFILES_TIMER_POLL_MS,
    logger,
    run: async () => {
      const expired = await expireDueWindows(runtime, TIMER_BATCH);
      const evaluated = await evaluatePending(runtime, TIMER_BATCH);
      return expired || evaluated;
    },
  });
  const backfill = createPoller({
    name: 'segment backfill',
    intervalMs: config.PROFILES_BACKFILL_POLL_MS,
    logger,
    run: () =>
      runBackfillPass(
        runtime,
        {
          owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
          chunkSize: config.PROFILES_BACKFILL_CHUNK_SIZE,
          leaseMs: config.PROFILES_BACKFILL_LEASE_MS,
        },
        () => stopping,
      ),
  });
  const retention = createPoller({
    name: 'event retention',
    intervalMs: RETENTION_POLL_MS,
    logger,
    run: () => pruneExpiredEvents(runtime, retentionMs, RETENTION_BATCH),
  });
  const admin = createDefinitionsAdmin({ db: deps.db, catalogs, now, maxWindowMs: retentionMs, jobQueued: () => backfill.wake() });
  const workers = [timers, backfill, retention];
  let stopped: Promise<void> | undefined;

  return {
    name: 'profiles',
    routes: async (app) => {
      metrics.register(metricsRegistryOf(app));
      const adminToken = config.CJO_ADMIN_TOKEN;
      registerProfileRoutes(app, { ...runtime, cache, adminToken });
      registerSegmentRoutes(app, { db: deps.db, admin, adminToken });
      registerComputedTraitRoutes(app, { db: deps.db, admin, adminToken });
      registerSuppressionRoutes(app, { db: deps.db, adminToken, now });
      registerGroupRoutes(app, { db: deps.db, adminToken });
    },
    async start() {
      await events.start();
      await identityChanges.start();
      for (const worker of workers) worker.start();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        await Promise.all([events.stop(), identityChanges.stop(), ...workers.map((worker) => worker.stop())]);
      })();
      return stopped;
    },
    isReady: () => events.isHealthy() && identityChanges.isHealthy(),
  };
}
