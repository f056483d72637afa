import { createRecordConsumer } from '@cjo/bus';
import type { TypeBoxTypeProvider } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import type { DecisioningConfig } from './config';
import { createDecisionRequestHandler } from './handler';
import { registerDecisionRoutes } from './routes/decisions';
import { createDecisionStore } from './store';

export interface DecisioningServiceDeps extends ServiceDeps {
  config: Pick<DecisioningConfig, 'CJO_ADMIN_TOKEN'>;
  now?: () => number;
}

export function createDecisioningService(deps: DecisioningServiceDeps): ServiceModule {
  const now = deps.now ?? Date.now;
  const store = createDecisionStore(deps.db);
  const consumer = createRecordConsumer(deps.bus, {
    name: 'decisioning',
    groupId: deps.consumerGroup,
    codec: deps.contract.codec('decisionRequests'),
    handler: createDecisionRequestHandler({ store, bus: deps.bus, decisions: deps.contract.codec('decisions'), now }),
    logger: deps.logger.child({ service: 'decisioning' }),
  });

  return {
    name: 'decisioning',
    routes: (app) =>
      registerDecisionRoutes(app.withTypeProvider<TypeBoxTypeProvider>(), { store, adminToken: deps.config.CJO_ADMIN_TOKEN }),
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    isReady: () => consumer.isHealthy(),
  };
}
