import { createKafkaBus } from '@cjo/bus';
import { loadConfig, redactConfig } from '@cjo/config';
import { createContract, topicSpecs } from '@cjo/contract';
import { createPgDb, migrate } from '@cjo/db';
import { createHttpApp } from '@cjo/http';
import { createRedisKv } from '@cjo/kv';
import { createLifecycle } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { createDecisioningService, decisioningConfigSchema, decisioningMigrationsDir } from './index';

/** Runs decisioning alone against Kafka, Postgres and Redis from the environment. */
async function main(): Promise<void> {
  const config = loadConfig(decisioningConfigSchema);
  const logger = createLogger({ name: 'decisioning', level: config.LOG_LEVEL });
  logger.info({ config: redactConfig(decisioningConfigSchema, config) }, 'starting');
  // Stoppers run in reverse: http, consumers, bus (flushes the producer), kv, db.
  const lifecycle = createLifecycle({ logger });
  lifecycle.installSignalHandlers();
  try {
    const db = createPgDb({ url: config.DATABASE_URL, schema: 'decisioning' });
    lifecycle.onStop('db', () => db.close());
    await migrate(db, { dir: decisioningMigrationsDir });

    const kv = createRedisKv({ url: config.REDIS_URL, prefix: 'decisioning:' });
    lifecycle.onStop('kv', () => kv.close());

    const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: 'decisioning', logger });
    lifecycle.onStop('bus', () => bus.close());
    await bus.ensureTopics(topicSpecs());

    const service = createDecisioningService({ config, logger, bus, db, kv, contract: createContract() });
    const app = await createHttpApp({ logger, serviceName: 'decisioning' });
    if (service.routes !== undefined) await app.register(service.routes);
    await service.start();
    lifecycle.onStop('consumers', () => service.stop());

    await app.listen({ port: config.PORT, host: config.HOST });
    lifecycle.onStop('http', () => app.close());
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    await lifecycle.stop();
    process.exitCode = 1;
  }
}

void main();
