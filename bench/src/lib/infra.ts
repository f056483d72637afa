import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';

export interface InfraUrls {
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
}

/** Same variables and local defaults as the services and the tests. */
export function infraUrls(env: NodeJS.ProcessEnv = process.env): InfraUrls {
  return {
    kafkaBrokers: (env.KAFKA_BROKERS || '127.0.0.1:9092')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
  };
}

/** The benchmark only ever talks to this machine. */
export function assertLoopback(urls: InfraUrls): void {
  const hosts = [
    ...urls.kafkaBrokers.map((broker) => broker.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')),
    new URL(urls.databaseUrl).hostname,
    new URL(urls.redisUrl).hostname,
  ];
  const loopback = (host: string): boolean =>
    host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  const remote = hosts.filter((host) => !loopback(host));
  if (remote.length > 0) {
    throw new Error(`the benchmark only runs against loopback addresses; refusing ${remote.join(', ')}`);
  }
}

export function createAdmin(brokers: string[]): Admin {
  return new Kafka({ clientId: 'cjo-bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
}

/** Sum of the high watermarks of a topic's partitions: how many records it holds (nothing is deleted in a run). */
export async function topicRecordCount(admin: Admin, topic: string): Promise<number> {
  // A client that connected before the topic existed may ask a stale leader first; kafkajs refreshes its metadata then.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, partition) => sum + (Number(partition.high) - Number(partition.low)), 0);
    } catch (err) {
      if (attempt >= 20) throw err;
      await sleep(250);
    }
  }
}

/** Waits until the topic's record count stops moving (requests still being served after a phase ended). */
export async function settledRecordCount(admin: Admin, topic: string, quietMs = 1000, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await topicRecordCount(admin, topic);
  let lastChange = Date.now();
  while (Date.now() < deadline) {
    await sleep(200);
    const now = await topicRecordCount(admin, topic);
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange >= quietMs) {
      return now;
    }
  }
  return last;
}

export async function waitForTopicLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch {
      // a KRaft broker may briefly answer "unknown topic" for a topic it has just created
    }
    await sleep(100);
  }
  throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
}

/** The Redis server's process id (it runs on this machine: the URL is a loopback one), for its CPU use. */
export async function redisServerPid(url: string): Promise<number | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const match = /^process_id:(\d+)/m.exec(await redis.info('server'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/**
 * Removes everything the run created: topics named `<namespace>.*`, the
 * Postgres schemas given, Redis keys `<namespace>:*`. Every step is tried;
 * the failures are returned, not thrown, so one failing step does not leave the others undone.
 */
export async function removeNamespace(urls: InfraUrls, namespace: string, pgSchemas: string[]): Promise<string[]> {
  if (!/^[a-z][a-z0-9_]{3,30}$/.test(namespace)) throw new Error(`refusing to clean up namespace "${namespace}"`);
  const failures: string[] = [];
  const admin = createAdmin(urls.kafkaBrokers);
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } catch (err) {
    failures.push(`kafka topics ${namespace}.*: ${String(err)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }

  for (const schema of pgSchemas) {
    if (!schema.startsWith(`${namespace}_`)) {
      failures.push(`postgres: refusing to drop schema ${schema}`);
      continue;
    }
    const client = new Client({ connectionString: urls.databaseUrl });
    try {
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
    } catch (err) {
      failures.push(`postgres schema ${schema}: ${String(err)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  const redis = new Redis(urls.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (err) {
    failures.push(`redis keys ${namespace}:*: ${String(err)}`);
  } finally {
    redis.disconnect();
  }
  return failures;
}
