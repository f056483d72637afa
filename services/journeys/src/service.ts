import { subscribeRecords, type Bus, type Subscription } from '@cjo/bus';
import type { Contract } from '@cjo/contract';
import type { Db } from '@cjo/db';
import type { TypeBoxTypeProvider } from '@cjo/http';
import type { Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import type { JourneysConfig } from './config';
import { createResolvedEventHandler } from './handler';
import { createJourneyCache } from './journey-cache';
import { registerJourneyRoutes } from './routes/journeys';
import { createJourneyStore } from './store';

export interface JourneysServiceDeps {
  config: Pick<JourneysConfig, 'CJO_ADMIN_TOKEN'>;
  logger: Logger;
  bus: Bus;
  db: Db;
  kv: Kv;
  contract: Contract;
  /** Kafka consumer group of this service's consumers (namespaced by the runtime). */
  consumerGroup: string;
  now?: () => number;
}

/** How stale the trigger lookup may be in another process after a journey changes. */
const JOURNEY_REFRESH_MS = 1000;

export function createJourneysService(deps: JourneysServiceDeps): ServiceModule {
  const now = deps.now ?? Date.now;
  const store = createJourneyStore(deps.db);
  const cache = createJourneyCache({ load: () => store.listActiveJourneys(), now, refreshMs: JOURNEY_REFRESH_MS });
  let subscription: Promise<Subscription> | undefined;
  let stopped: Promise<void> | undefined;

  return {
    name: 'journeys',
    routes: (app) =>
      registerJourneyRoutes(app.withTypeProvider<TypeBoxTypeProvider>(), {
        store,
        cache,
        adminToken: deps.config.CJO_ADMIN_TOKEN,
        now,
      }),
    async start() {
      subscription ??= subscribeRecords(deps.bus, {
        groupId: deps.consumerGroup,
        codec: deps.contract.codec('resolvedEvents'),
        handler: createResolvedEventHandler({
          store,
          cache,
          bus: deps.bus,
          decisionRequests: deps.contract.codec('decisionRequests'),
          now,
        }),
      });
      await subscription;
    },
    stop() {
      stopped ??= (async () => {
        if (subscription !== undefined) await (await subscription).stop();
      })();
      return stopped;
    },
  };
}
