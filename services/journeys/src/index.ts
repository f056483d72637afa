import { join } from 'node:path';

export { createJourneysService, type JourneysServiceDeps } from './service';
export { journeysConfigSchema, type JourneysConfig } from './config';

/** Absolute path of this service's SQL migrations, for @cjo/db migrate(). */
export const journeysMigrationsDir = join(__dirname, '..', 'migrations');
