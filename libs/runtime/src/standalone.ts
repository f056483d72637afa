import type { Static, TObject } from '@sinclair/typebox';
import { createBusMetrics, createKafkaBus, type Bus } from '@cjo/bus';
import { loadConfig, redactConfig } from '@cjo/config';
import { createContract, topicSpecs, type Contract } from '@cjo/contract';
import { createPgDb, migrate, type Db } from '@cjo/db';
import { createHttpApp, metricsRegistryOf } from '@cjo/http';
import { createRedisKv, type Kv } from '@cjo/kv';
import { createLifecycle, type ServiceModule } from '@cjo/lifecycle';
import { createLogger, type Logger } from '@cjo/log';
import type { standaloneConfigFields } from './config-fields';
import { serviceNames } from './naming';
import { modulesReady } from './readiness';

type StandaloneConfig = Static<TObject<ReturnType<typeof standaloneConfigFields>>>;

/** What the runtime hands every service factory, besides its config. */
export interface ServiceDeps {
  logger: Logger;
  bus: Bus;
  db: Db;
  kv: Kv;
  contract: Contract;
  /** Kafka consumer group of this service's consumers (namespaced). */
  consumerGroup: string;
}

export interface StandaloneService<S extends TObject> {
  name: string;
  configSchema: S;
  migrationsDir: string;
  create(config: Static<S>, deps: ServiceDeps): ServiceModule;
}

/**
 * Runs one service alone against Kafka, Postgres and Redis from the
 * environment: the body of every service's main.ts. Stopping (SIGTERM/SIGINT)
 * goes: close HTTP → stop consumers (finish in-flight, commit) → flush the
 * producer → close Redis and Postgres.
 */
export async function runStandalone<S extends TObject>(
  service: StandaloneService<S> & (Static<S> extends StandaloneConfig ? unknown : 'the config schema must spread standaloneConfigFields()'),
): Promise<void> {
  let config: Static<S> & StandaloneConfig;
  try {
    // The parameter's type guarantees the schema has the standalone fields.
    config = loadConfig(service.configSchema) as Static<S> & StandaloneConfig;
  } catch (err) {
    // Before a logger exists: the message names every bad variable and no secret value.
    process.stderr.write(`${service.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const logger = createLogger({ name: service.name, level: config.LOG_LEVEL });
  logger.info({ config: redactConfig(service.configSchema, config) }, 'starting');
  const lifecycle = createLifecycle({ logger });
  lifecycle.installSignalHandlers();
  const names = serviceNames(config.CJO_NAMESPACE, service.name);

  try {
    const db = createPgDb({ url: config.DATABASE_URL, schema: names.pgSchema });
    lifecycle.onStop('postgres', () => db.close());
    await migrate(db, { dir: service.migrationsDir });

    const kv = createRedisKv({ url: config.REDIS_URL, prefix: names.kvPrefix, logger });
    lifecycle.onStop('redis', () => kv.close());

    let ready = false;
    const modules: ServiceModule[] = [];
    // Created before the bus, which records its metrics on the app's registry (served at /metrics).
    const app = await createHttpApp({ logger, serviceName: service.name, isReady: () => ready && modulesReady(modules) });

    const bus = createKafkaBus({
      brokers: config.KAFKA_BROKERS,
      clientId: `cjo-${service.name}`,
      logger,
      metrics: createBusMetrics(metricsRegistryOf(app)),
    });
    lifecycle.onStop('kafka', () => bus.close());
    await bus.ensureTopics(topicSpecs(names.topicPrefix));

    const contract = createContract({ namespace: names.topicPrefix });
    const module = service.create(config, { logger, bus, db, kv, contract, consumerGroup: names.consumerGroup });
    modules.push(module);

    await module.routes?.(app);
    await module.start();
    lifecycle.onStop('consumers', () => module.stop());
    await app.listen({ port: config.PORT, host: config.HOST });
    lifecycle.onStop('http', () => app.close());
    ready = true;
    logger.info({ address: app.server.address() }, `${service.name} ready`);
  } catch (err) {
    logger.fatal({ err }, 'start failed');
    await lifecycle.stop();
    process.exit(1);
  }
}
