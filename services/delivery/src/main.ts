import { runStandalone } from '@cjo/runtime';
import { createDeliveryService, deliveryConfigSchema, deliveryMigrationsDir } from './index';

/** Runs the delivery service alone against Kafka, Postgres and Redis (the distributed shape). */
void runStandalone({
  name: 'delivery',
  configSchema: deliveryConfigSchema,
  migrationsDir: deliveryMigrationsDir,
  create: (config, deps) => createDeliveryService({ ...deps, config }),
});
