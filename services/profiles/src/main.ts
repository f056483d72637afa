import { createKafkaBus } from '@cjo/bus';
import { loadConfig, redactConfig } from '@cjo/config';
import { createContract, topicSpecs } from '@cjo/contract';
import { createPgDb, migrate } from '@cjo/db';
import { createHttpApp } from '@cjo/http';
import { createRedisKv } from '@cjo/kv';
import { createLifecycle } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { createProfilesService, profilesConfigSchema, profilesMigrationsDir } from './index';

/** Runs the profiles service alone against Kafka, Postgres and Redis (the distributed shape). */
async function main(): Promise<void> {
  const config = loadConfig(profilesConfigSchema);
  const logger = createLogger({ name: 'profiles', level: config.LOG_LEVEL });
  logger.info({ config: redactConfig(profilesConfigSchema, config) }, 'starting');
  const lifecycle = createLifecycle({ logger });
  lifecycle.installSignalHandlers();

  try {
    // Registered in start order; the lifecycle stops them in reverse: http, consumers, bus, kv, db.
    const db = createPgDb({ url: config.DATABASE_URL, schema: 'profiles', logger });
    lifecycle.onStop('db', () => db.close());
    await migrate(db, { dir: profilesMigrationsDir });

    const kv = createRedisKv({ url: config.REDIS_URL, prefix: 'cjo:profiles:', logger });
    lifecycle.onStop('kv', () => kv.close());

    const bus = createKafkaBus({ brokers: config.KAFKA_BROKERS, clientId: 'cjo-profiles', logger });
    lifecycle.onStop('bus', () => bus.close());
    await bus.ensureTopics(topicSpecs());

    const service = createProfilesService({ config, logger, bus, db, kv, contract: createContract() });
    let started = false;
    const app = await createHttpApp({ logger, serviceName: 'profiles', isReady: () => started });
    if (service.routes !== undefined) await app.register(service.routes);

    lifecycle.onStop('consumers', () => service.stop());
    await service.start();
    started = true;

    lifecycle.onStop('http', () => app.close());
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    logger.fatal({ err }, 'start failed');
    await lifecycle.stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`profiles failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
