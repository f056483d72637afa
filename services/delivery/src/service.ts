import { subscribeRecords, type Bus, type Subscription } from '@cjo/bus';
import type { Contract } from '@cjo/contract';
import type { Db } from '@cjo/db';
import type { Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import type { DeliveryConfig } from './config';
import { createDecisionHandler } from './handler';
import { createTemplateEngine } from './liquid';
import type { Fetch } from './steps/send-webhook';
import { createDeliveryStore } from './store';

export interface DeliveryServiceDeps {
  config: Pick<DeliveryConfig, 'WEBHOOK_TIMEOUT_MS'>;
  logger: Logger;
  bus: Bus;
  db: Db;
  kv: Kv;
  contract: Contract;
  /** Kafka consumer group of this service's consumers (namespaced by the runtime). */
  consumerGroup: string;
  now?: () => number;
  /** How webhooks are called; the global fetch unless a test or an embedding needs another. */
  fetch?: Fetch;
}

export function createDeliveryService(deps: DeliveryServiceDeps): ServiceModule {
  const store = createDeliveryStore(deps.db);
  let subscription: Promise<Subscription> | undefined;
  let stopped: Promise<void> | undefined;

  return {
    name: 'delivery',
    async start() {
      subscription ??= subscribeRecords(deps.bus, {
        groupId: deps.consumerGroup,
        codec: deps.contract.codec('decisions'),
        handler: createDecisionHandler({
          store,
          bus: deps.bus,
          outcomes: deps.contract.codec('deliveryOutcomes'),
          liquid: createTemplateEngine(),
          fetch: deps.fetch ?? fetch,
          webhookTimeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
          now: deps.now ?? Date.now,
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
