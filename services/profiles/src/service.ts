import { join } from 'node:path';
import { createRecordConsumer } from '@cjo/bus';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import type { ProfilesConfig } from './config';
import { createResolvedEventHandler } from './handler';
import { registerProfileRoutes } from './routes/get-profile';

export const profilesMigrationsDir = join(__dirname, '..', 'migrations');

export interface ProfilesServiceDeps extends ServiceDeps {
  config: Pick<ProfilesConfig, 'CJO_ADMIN_TOKEN'>;
  now?: () => number;
}

/** Keeps one profile per profile id: cjo.events.resolved.v1 -> cjo.profiles.changes.v1. */
export function createProfilesService(deps: ProfilesServiceDeps): ServiceModule {
  const consumer = createRecordConsumer(deps.bus, {
    name: 'profiles',
    // Every profiles instance joins this group, so the resolved topic's partitions are shared among them.
    groupId: deps.consumerGroup,
    codec: deps.contract.codec('resolvedEvents'),
    handler: createResolvedEventHandler({
      bus: deps.bus,
      db: deps.db,
      codec: deps.contract.codec('profileChanges'),
      now: deps.now ?? Date.now,
    }),
    logger: deps.logger.child({ service: 'profiles' }),
  });

  return {
    name: 'profiles',
    routes: async (app) => {
      registerProfileRoutes(app, { db: deps.db, adminToken: deps.config.CJO_ADMIN_TOKEN });
    },
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    isReady: () => consumer.isHealthy(),
  };
}
