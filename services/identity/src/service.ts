import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createRecordConsumer } from '@cjo/bus';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import type { IdentityConfig } from './config';
import { createRawEventHandler } from './handler';
import { createIdentifierDirectory } from './identifier-directory';
import { registerIdentityRoutes } from './routes/get-identity';

export const identityMigrationsDir = join(__dirname, '..', 'migrations');

export interface IdentityServiceDeps extends ServiceDeps {
  config: Pick<IdentityConfig, 'CJO_ADMIN_TOKEN' | 'IDENTITY_CACHE_TTL_MS'>;
}

/** Resolves raw events to profiles: cjo.events.raw.v1 -> cjo.events.resolved.v1. */
export function createIdentityService(deps: IdentityServiceDeps): ServiceModule {
  const directory = createIdentifierDirectory(deps.db, deps.kv, deps.config.IDENTITY_CACHE_TTL_MS);
  const consumer = createRecordConsumer(deps.bus, {
    name: 'identity',
    // Every identity instance joins this group, so the raw topic's partitions are shared among them.
    groupId: deps.consumerGroup,
    codec: deps.contract.codec('rawEvents'),
    handler: createRawEventHandler({
      bus: deps.bus,
      codec: deps.contract.codec('resolvedEvents'),
      directory,
      newId: randomUUID,
    }),
    logger: deps.logger.child({ service: 'identity' }),
  });

  return {
    name: 'identity',
    routes: async (app) => {
      registerIdentityRoutes(app, { db: deps.db, adminToken: deps.config.CJO_ADMIN_TOKEN });
    },
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    isReady: () => consumer.isHealthy(),
  };
}
