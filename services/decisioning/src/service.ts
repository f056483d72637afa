import { subscribeRecords, type Bus, type Subscription } from '@cjo/bus';
import type { Contract } from '@cjo/contract';
import type { Db } from '@cjo/db';
import type { TypeBoxTypeProvider } from '@cjo/http';
import type { Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import type { DecisioningConfig } from './config';
import { createDecisionRequestHandler } from './handler';
import { registerDecisionRoutes } from './routes/decisions';
import { createDecisionStore } from './store';

export interface DecisioningServiceDeps {
  config: Pick<DecisioningConfig, 'CJO_ADMIN_TOKEN'>;
  logger: Logger;
  bus: Bus;
  db: Db;
  kv: Kv;
  contract: Contract;
  /** Kafka consumer group of this service's consumers (namespaced by the runtime). */
  consumerGroup: string;
  now?: () => number;
}

export function createDecisioningService(deps: DecisioningServiceDeps): ServiceModule {
  const now = deps.now ?? Date.now;
  const store = createDecisionStore(deps.db);
  let subscription: Promise<Subscription> | undefined;
  let stopped: Promise<void> | undefined;

  return {
    name: 'decisioning',
    routes: (app) =>
      registerDecisionRoutes(app.withTypeProvider<TypeBoxTypeProvider>(), { store, adminToken: deps.config.CJO_ADMIN_TOKEN }),
    async start() {
      subscription ??= subscribeRecords(deps.bus, {
        groupId: deps.consumerGroup,
        codec: deps.contract.codec('decisionRequests'),
        handler: createDecisionRequestHandler({ store, bus: deps.bus, decisions: deps.contract.codec('decisions'), now }),
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
