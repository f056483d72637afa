import { join } from 'node:path';
import { subscribeRecords, type Bus, type Subscription } from '@cjo/bus';
import type { Contract } from '@cjo/contract';
import type { Db } from '@cjo/db';
import { CjoError } from '@cjo/errors';
import type { Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import type { ProfilesConfig } from './config';
import { createResolvedEventHandler } from './handler';
import { registerProfileRoutes } from './routes/get-profile';

export const profilesMigrationsDir = join(__dirname, '..', 'migrations');

/** The consumer group every profiles instance joins, so the resolved topic's partitions are shared among them. */

export interface ProfilesServiceDeps {
  config: Pick<ProfilesConfig, 'CJO_ADMIN_TOKEN'>;
  logger: Logger;
  bus: Bus;
  db: Db;
  /** Not used by the skeleton; part of every service's deps so the composition roots stay uniform. */
  kv: Kv;
  contract: Contract;
  /** Kafka consumer group of this service's consumers (namespaced by the runtime). */
  consumerGroup: string;
  now?: () => number;
}

/** Keeps one profile per profile id: cjo.events.resolved.v1 -> cjo.profiles.changes.v1. */
export function createProfilesService(deps: ProfilesServiceDeps): ServiceModule {
  const logger = deps.logger.child({ service: 'profiles' });
  const handler = createResolvedEventHandler({
    bus: deps.bus,
    db: deps.db,
    codec: deps.contract.codec('profileChanges'),
    now: deps.now ?? Date.now,
  });
  let subscription: Promise<Subscription> | undefined;
  let stopped: Promise<void> | undefined;

  return {
    name: 'profiles',
    routes: async (app) => {
      registerProfileRoutes(app, { db: deps.db, adminToken: deps.config.CJO_ADMIN_TOKEN });
    },
    async start() {
      if (subscription !== undefined || stopped !== undefined) {
        throw new CjoError('service_state', 'the profiles service was already started or stopped');
      }
      subscription = subscribeRecords(deps.bus, {
        groupId: deps.consumerGroup,
        codec: deps.contract.codec('resolvedEvents'),
        handler,
      });
      await subscription;
      logger.info({ groupId: deps.consumerGroup }, 'profiles consumer started');
    },
    stop() {
      stopped ??= (async () => {
        // A start that failed left nothing to stop; its error was reported by start().
        const active = await subscription?.catch(() => undefined);
        if (active === undefined) return;
        await active.stop();
        logger.info('profiles consumer stopped');
      })();
      return stopped;
    },
  };
}
