import { createRecordConsumer } from '@cjo/bus';
import type { TypeBoxTypeProvider } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import type { JourneysConfig } from './config';
import { createResolvedEventHandler } from './handler';
import { createJourneyCache } from './journey-cache';
import { registerJourneyRoutes } from './routes/journeys';
import { createJourneyStore } from './store';

export interface JourneysServiceDeps extends ServiceDeps {
  config: Pick<JourneysConfig, 'CJO_ADMIN_TOKEN'>;
  now?: () => number;
}

/** How stale the trigger lookup may be in another process after a journey changes. */
const JOURNEY_REFRESH_MS = 1000;

export function createJourneysService(deps: JourneysServiceDeps): ServiceModule {
  const now = deps.now ?? Date.now;
  const store = createJourneyStore(deps.db);
  const cache = createJourneyCache({ load: () => store.listActiveJourneys(), now, refreshMs: JOURNEY_REFRESH_MS });
  const consumer = createRecordConsumer(deps.bus, {
    name: 'journeys',
    groupId: deps.consumerGroup,
    codec: deps.contract.codec('resolvedEvents'),
    handler: createResolvedEventHandler({
      store,
      cache,
      bus: deps.bus,
      decisionRequests: deps.contract.codec('decisionRequests'),
      now,
    }),
    logger: deps.logger.child({ service: 'journeys' }),
  });

  return {
    name: 'journeys',
    routes: (app) =>
      registerJourneyRoutes(app.withTypeProvider<TypeBoxTypeProvider>(), {
        store,
        cache,
        adminToken: deps.config.CJO_ADMIN_TOKEN,
        now,
      }),
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    isReady: () => consumer.isHealthy(),
  };
}
