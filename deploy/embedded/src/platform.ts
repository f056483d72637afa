import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBusMetrics, createMemoryBus } from '@cjo/bus';
import { createContract, topicSpecs } from '@cjo/contract';
import { createPgliteHost, migrate } from '@cjo/db';
import { createHttpApp, metricsRegistryOf } from '@cjo/http';
import { createMemoryKv } from '@cjo/kv';
import { createLifecycle, type ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import { modulesReady } from '@cjo/runtime';
import { serviceDefinitions } from './services';

export interface EmbeddedPlatformOptions {
  logger: Logger;
  port: number;
  host: string;
  adminToken: string;
  /** Embedded Postgres files live here (one folder per service); in memory when omitted. */
  dataDir?: string;
  /** Environment the services read their own settings from (webhook timeout, cache TTLs…). */
  env?: NodeJS.ProcessEnv;
}

export interface EmbeddedPlatform {
  /** Base URL of the one HTTP server, e.g. http://127.0.0.1:8080 */
  url: string;
  stop(): Promise<void>;
}

/**
 * All six services in one process: the in-memory bus instead of Kafka, an
 * embedded Postgres (PGlite) instead of a server, in-process KV instead of
 * Redis, and every route on one HTTP server.
 */
export async function startEmbeddedPlatform(options: EmbeddedPlatformOptions): Promise<EmbeddedPlatform> {
  const { logger } = options;
  const lifecycle = createLifecycle({ logger });
  try {
    const env = { ...(options.env ?? {}), CJO_ADMIN_TOKEN: options.adminToken };
    const contract = createContract();
    let started = false;
    const modules: ServiceModule[] = [];
    // Created before the bus, which records its metrics on the app's registry (served at /metrics).
    const app = await createHttpApp({
      logger,
      serviceName: 'cjo-embedded',
      isReady: () => started && modulesReady(modules),
    });
    const bus = createMemoryBus({ logger, metrics: createBusMetrics(metricsRegistryOf(app)) });
    await bus.ensureTopics(topicSpecs());

    const pgDir = options.dataDir === undefined ? undefined : join(options.dataDir, 'pg');
    if (pgDir !== undefined) mkdirSync(pgDir, { recursive: true });
    // One embedded Postgres, one schema per service, as the services share one database when distributed.
    const pglite = createPgliteHost(pgDir === undefined ? {} : { dataDir: pgDir });
    lifecycle.onStop('embedded postgres', () => pglite.close());

    for (const definition of serviceDefinitions) {
      const db = pglite.db(definition.name);
      await migrate(db, { dir: definition.migrationsDir });
      const kv = createMemoryKv({ prefix: `${definition.name}:` });
      lifecycle.onStop(`${definition.name} kv`, () => kv.close());
      modules.push(definition.create(env, { logger, bus, db, kv, contract, consumerGroup: definition.name }));
    }
    // Registered after the databases, so it runs before them: consumers stop, then the producer flushes.
    lifecycle.onStop('bus', () => bus.close());

    for (const module of modules) await module.routes?.(app);
    for (const module of modules) {
      await module.start();
      lifecycle.onStop(`${module.name} consumers`, () => module.stop());
    }
    await app.listen({ port: options.port, host: options.host });
    lifecycle.onStop('http', () => app.close());
    started = true;

    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return { url: `http://${options.host}:${port}`, stop: () => lifecycle.stop() };
  } catch (err) {
    await lifecycle.stop();
    throw err;
  }
}
