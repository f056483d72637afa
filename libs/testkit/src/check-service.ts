import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { ProbeOutcome } from './discovery';
import type { InfraService } from './infra-flags';
import { parseBrokers } from './infra-urls';
import { errorText, withTimeout } from './with-timeout';

const probeTimeoutMs = 10_000;

async function checkKafka(brokers: string): Promise<string> {
  const kafka = new Kafka({
    clientId: 'cjo-testkit-probe',
    brokers: parseBrokers(brokers),
    connectionTimeout: 3_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return `Kafka cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
  } finally {
    await admin.disconnect();
  }
}

async function checkPostgres(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000, query_timeout: 5_000 });
  // A server that drops the connection later must not crash the jest process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${result.rows[0]?.server_version ?? 'unknown version'}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(url: string): Promise<string> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with a bare "Connection is closed."; the event carries the reason.
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown version'}`;
  } catch (err) {
    throw lastError ?? err;
  } finally {
    // disconnect() on a connection that already ended arms a reconnect timer that holds the process open.
    if (redis.status !== 'end') redis.disconnect();
  }
}

const checkers: Record<InfraService, (url: string) => Promise<string>> = {
  kafka: checkKafka,
  postgres: checkPostgres,
  redis: checkRedis,
};

/** Asks the service itself, not just its port, so a half-started server does not count. */
export async function checkService(service: InfraService, url: string): Promise<ProbeOutcome> {
  try {
    const detail = await withTimeout(checkers[service](url), probeTimeoutMs, `asking ${service} at ${url}`);
    return { ok: true, detail };
  } catch (err) {
    return { ok: false, reason: `does not answer (${errorText(err)})` };
  }
}
