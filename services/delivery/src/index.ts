import { join } from 'node:path';

export { createDeliveryService, type DeliveryServiceDeps } from './service';
export { deliveryConfigSchema, type DeliveryConfig } from './config';

/** Absolute path of this service's SQL migrations, for @cjo/db migrate(). */
export const deliveryMigrationsDir = join(__dirname, '..', 'migrations');
