import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ServiceModule } from '@cjo/lifecycle';
import type { ServiceDeps } from '@cjo/runtime';
import type { IngestConfig } from './config';
import { registerSourceRoutes } from './routes/sources';
import { registerTrackRoute } from './routes/track';
import { cachedSourceLookup } from './source-lookup';

export const ingestMigrationsDir = join(__dirname, '..', 'migrations');

/** Ingest has no consumer, so it needs no consumer group (a composition root may still pass one). */
export interface IngestServiceDeps extends Omit<ServiceDeps, 'consumerGroup'> {
  config: Pick<IngestConfig, 'CJO_ADMIN_TOKEN' | 'SOURCE_CACHE_TTL_MS'>;
  now?: () => number;
}

/** Accepts events over HTTP and puts them on cjo.events.raw.v1; it has no consumers. */
export function createIngestService(deps: IngestServiceDeps): ServiceModule {
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ service: 'ingest' });
  return {
    name: 'ingest',
    routes: async (app) => {
      registerSourceRoutes(app, {
        db: deps.db,
        logger,
        adminToken: deps.config.CJO_ADMIN_TOKEN,
        now,
        newId: randomUUID,
      });
      registerTrackRoute(app, {
        bus: deps.bus,
        codec: deps.contract.codec('rawEvents'),
        lookupSource: cachedSourceLookup(deps.db, deps.kv, deps.config.SOURCE_CACHE_TTL_MS),
        now,
        newId: randomUUID,
      });
    },
    // Ingest only answers HTTP: there is no consumer to start, and the app that mounts the routes closes them.
    async start() {},
    async stop() {},
  };
}
