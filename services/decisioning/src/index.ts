import { join } from 'node:path';

export { createDecisioningService, type DecisioningServiceDeps } from './service';
export { decisioningConfigSchema, type DecisioningConfig } from './config';

/** Absolute path of this service's SQL migrations, for @cjo/db migrate(). */
export const decisioningMigrationsDir = join(__dirname, '..', 'migrations');
