import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { InfraUrls } from '@cjo/testkit';

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

