import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createRecordConsumer } from '@cjo/bus';
import { metricsRegistryOf } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import { createChangePublisher } from './changes/change-publisher';
import type { IdentityConfig } from './config';
import { createDeletionHandler } from './deletion-handler';
import { createIdentityCache } from './graph/identity-cache';
import { createResolver } from './graph/resolve-batch';
import { splitProfile } from './graph/split-profile';
import { createRawEventHandler } from './handler';
import { createIdentityMetrics, noIdentityMetrics, type IdentityMetrics } from './metrics';
import { registerIdentityRoutes } from './routes/get-identity';
import { registerIdentifierTypeRoutes } from './routes/identifier-types';
import { registerIdentityGraphRoute } from './routes/identity-graph';
import { registerSplitRoute } from './routes/split';
import { rulesOptionsOf, type RulesConfig } from './rules/rules-config';
import { createRulesSource } from './rules/rules-source';

export const identityMigrationsDir = join(__dirname, '..', 'migrations');

export interface IdentityServiceDeps extends ServiceDeps {
  config: RulesConfig &
    Pick<
      IdentityConfig,
      | 'CJO_ADMIN_TOKEN'
      | 'IDENTITY_CACHE_TTL_MS'
      | 'IDENTITY_CACHE_TOMBSTONE_MS'
      | 'IDENTITY_BATCH_SIZE'
      | 'IDENTITY_PARTITIONS_CONCURRENTLY'
      | 'IDENTITY_RULES_REFRESH_MS'
      | 'IDENTITY_OUTBOX_INTERVAL_MS'
      | 'IDENTITY_OUTBOX_GRACE_MS'
    >;
  now?: () => number;
  newId?: () => string;
}

/**
 * Resolves raw events to profiles (cjo.events.raw.v1 -> cjo.events.resolved.v1), publishes merges
 * and splits (cjo.identity.changes.v1), forgets deleted profiles (cjo.profiles.deletions.v1), and
 * serves the admin API of the graph.
 */
export function createIdentityService(deps: IdentityServiceDeps): ServiceModule {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const logger = deps.logger.child({ service: 'identity' });
  const rules = createRulesSource({ db: deps.db, options: rulesOptionsOf(config), refreshMs: config.IDENTITY_RULES_REFRESH_MS, logger });
  const cache = createIdentityCache(deps.kv, { ttlMs: config.IDENTITY_CACHE_TTL_MS, tombstoneTtlMs: config.IDENTITY_CACHE_TOMBSTONE_MS, now });
  const changes = createChangePublisher({ bus: deps.bus, db: deps.db, codec: deps.contract.codec('identityChanges'), logger });
  // Registered with the HTTP app's registry when the routes are mounted (both shapes mount them before start).
  let metrics: IdentityMetrics = noIdentityMetrics;

  const rawEvents = createRecordConsumer(deps.bus, {
    name: 'identity',
    // Every identity instance joins this group, so the raw topic's partitions are shared among them.
    groupId: deps.consumerGroup,
    codec: deps.contract.codec('rawEvents'),
    maxBatchSize: config.IDENTITY_BATCH_SIZE,
    partitionsConsumedConcurrently: config.IDENTITY_PARTITIONS_CONCURRENTLY,
    batchHandler: createRawEventHandler({
      bus: deps.bus,
      codec: deps.contract.codec('resolvedEvents'),
      rules: () => rules.current(),
      resolve: createResolver({ db: deps.db, cache, rules: () => rules.current(), newId, now }),
      changes,
      metrics: () => metrics,
    }),
    logger,
  });
  const deletions = createRecordConsumer(deps.bus, {
    name: 'identity deletions',
    groupId: `${deps.consumerGroup}.deletions`,
    codec: deps.contract.codec('profileDeletions'),
    handler: createDeletionHandler({ db: deps.db, cache, logger }),
    logger,
  });

  let sweeper: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  let stopped: Promise<void> | undefined;

  return {
    name: 'identity',
    routes: async (app) => {
      metrics = createIdentityMetrics(metricsRegistryOf(app));
      const adminToken = config.CJO_ADMIN_TOKEN;
      registerIdentityRoutes(app, { db: deps.db, adminToken, rules: () => rules.current() });
      registerIdentityGraphRoute(app, { db: deps.db, adminToken });
      registerIdentifierTypeRoutes(app, { db: deps.db, adminToken, rules: () => rules.current(), refresh: () => rules.refresh() });
      registerSplitRoute(app, {
        adminToken,
        rules: () => rules.current(),
        split: (request) => splitProfile({ db: deps.db, newId, now }, request),
        afterSplit: async (split) => {
          await cache.invalidate(split.identifiers);
          // The split is committed: a failed publish is left to the outbox sweep instead of failing the request.
          return changes.publishSplit(split).then(
            () => true,
            (err: unknown) => {
              logger.warn({ err, splitId: split.splitId }, 'split recorded but not published yet; the outbox sweep will');
              return false;
            },
          );
        },
        logger,
      });
    },
    async start() {
      await rules.refresh();
      rules.start();
      await rawEvents.start();
      await deletions.start();
      sweeper = setInterval(() => {
        sweeping = changes.sweep(config.IDENTITY_OUTBOX_GRACE_MS).catch((err: unknown) => logger.warn({ err }, 'outbox sweep failed'));
      }, config.IDENTITY_OUTBOX_INTERVAL_MS);
      sweeper.unref();
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(sweeper);
        rules.stop();
        await Promise.all([rawEvents.stop(), deletions.stop()]);
        await sweeping;
      })();
      return stopped;
    },
    isReady: () => rawEvents.isHealthy() && deletions.isHealthy(),
  };
}
