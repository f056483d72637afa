import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Bus } from '@cjo/bus';
import type { Contract } from '@cjo/contract';
import type { Db } from '@cjo/db';
import type { Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import type { IngestConfig } from './config';
import { registerSourceRoutes } from './routes/sources';
import { registerTrackRoute } from './routes/track';
import { cachedSourceLookup } from './source-lookup';

export const ingestMigrationsDir = join(__dirname, '..', 'migrations');

export interface IngestServiceDeps {
  config: Pick<IngestConfig, 'CJO_ADMIN_TOKEN' | 'SOURCE_CACHE_TTL_MS'>;
  logger: Logger;
  bus: Bus;
  db: Db;
  kv: Kv;
  contract: Contract;
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
