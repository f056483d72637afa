import { createRecordConsumer } from '@cjo/bus';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import type { DeliveryConfig } from './config';
import { createDecisionHandler } from './handler';
import { createTemplateEngine } from './liquid';
import type { Fetch } from './steps/send-webhook';
import { createDeliveryStore } from './store';

export interface DeliveryServiceDeps extends ServiceDeps {
  config: Pick<DeliveryConfig, 'WEBHOOK_TIMEOUT_MS'>;
  now?: () => number;
  /** How webhooks are called; the global fetch unless a test or an embedding needs another. */
  fetch?: Fetch;
}

export function createDeliveryService(deps: DeliveryServiceDeps): ServiceModule {
  const consumer = createRecordConsumer(deps.bus, {
    name: 'delivery',
    groupId: deps.consumerGroup,
    codec: deps.contract.codec('decisions'),
    handler: createDecisionHandler({
      store: createDeliveryStore(deps.db),
      bus: deps.bus,
      outcomes: deps.contract.codec('deliveryOutcomes'),
      liquid: createTemplateEngine(),
      fetch: deps.fetch ?? fetch,
      webhookTimeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
      now: deps.now ?? Date.now,
    }),
    logger: deps.logger.child({ service: 'delivery' }),
  });

  return {
    name: 'delivery',
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    isReady: () => consumer.isHealthy(),
  };
}
