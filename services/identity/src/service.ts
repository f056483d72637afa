import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CjoError } from '@cjo/errors';
import { subscribeRecords, type Bus, type Subscription } from '@cjo/bus';
import type { Contract } from '@cjo/contract';
import type { Db } from '@cjo/db';
import type { Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import type { IdentityConfig } from './config';
import { createRawEventHandler } from './handler';
import { createIdentifierDirectory } from './identifier-directory';
import { registerIdentityRoutes } from './routes/get-identity';

export const identityMigrationsDir = join(__dirname, '..', 'migrations');

/** The consumer group every identity instance joins, so the raw topic's partitions are shared among them. */

export interface IdentityServiceDeps {
  config: Pick<IdentityConfig, 'CJO_ADMIN_TOKEN' | 'IDENTITY_CACHE_TTL_MS'>;
  logger: Logger;
  bus: Bus;
  db: Db;
  kv: Kv;
  contract: Contract;
  /** Kafka consumer group of this service's consumers (namespaced by the runtime). */
  consumerGroup: string;
  /** Not used by identity yet; part of every service's deps so the composition roots stay uniform. */
  now?: () => number;
}

/** Resolves raw events to profiles: cjo.events.raw.v1 -> cjo.events.resolved.v1. */
export function createIdentityService(deps: IdentityServiceDeps): ServiceModule {
  const logger = deps.logger.child({ service: 'identity' });
  const directory = createIdentifierDirectory(deps.db, deps.kv, deps.config.IDENTITY_CACHE_TTL_MS);
  const handler = createRawEventHandler({
    bus: deps.bus,
    codec: deps.contract.codec('resolvedEvents'),
    directory,
    newId: randomUUID,
  });
  let subscription: Promise<Subscription> | undefined;
  let stopped: Promise<void> | undefined;

  return {
    name: 'identity',
    routes: async (app) => {
      registerIdentityRoutes(app, { db: deps.db, adminToken: deps.config.CJO_ADMIN_TOKEN });
    },
    async start() {
      if (subscription !== undefined || stopped !== undefined) {
        throw new CjoError('service_state', 'the identity service was already started or stopped');
      }
      subscription = subscribeRecords(deps.bus, {
        groupId: deps.consumerGroup,
        codec: deps.contract.codec('rawEvents'),
        handler,
      });
      await subscription;
      logger.info({ groupId: deps.consumerGroup }, 'identity consumer started');
    },
    stop() {
      stopped ??= (async () => {
        // A start that failed left nothing to stop; its error was reported by start().
        const active = await subscription?.catch(() => undefined);
        if (active === undefined) return;
        await active.stop();
        logger.info('identity consumer stopped');
      })();
      return stopped;
    },
  };
}
