import { setImmediate as nextTick } from 'node:timers/promises';
import type { CjoError } from '@cjo/errors';
import { createLogger } from '@cjo/log';
import { describeWithInfra, uniqueName, waitFor } from '@cjo/testkit';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { type KafkaBusOptions, createBusMetrics, createKafkaBus, dlqTopicOf } from '../src';
import { metricValue } from './metric-value';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = createLogger({ name: 'kafka-publish-batching-test', level: 'error' });

describeWithInfra(['kafka'], 'kafka bus: concurrent publishes share produce requests', () => {
  const createdTopics: string[] = [];
  let admin: Admin;

  beforeAll(async () => {
    admin = new Kafka({ clientId: 'bus-batching-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    try {
      if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics.splice(0) });
    } finally {
      await admin.disconnect();
    }
  });

  /** A bus that counts its Produce requests. */
  function countingBus(options: Partial<KafkaBusOptions> = {}): {
    bus: ReturnType<typeof createKafkaBus>;
    produceRequests: () => number;
  } {
    let produceRequests = 0;
    const bus = createKafkaBus({
      brokers,
      clientId: 'bus-batching-test',
      logger,
      ...options,
      onProducerRequest: (request) => {
        if (request.apiName === 'Produce') produceRequests += 1;
      },
    });
    return { bus, produceRequests: () => produceRequests };
  }

  async function newTopic(bus: ReturnType<typeof createKafkaBus>, partitions = 6): Promise<string> {
    const topic = uniqueName('bus_batching');
    createdTopics.push(topic, dlqTopicOf(topic));
    await bus.ensureTopics([{ name: topic, partitions, cleanupPolicy: 'delete', retentionMs: 3_600_000 }]);
    return topic;
  }

  /** Records on the topic: the sum of its partitions' high watermarks. */
  async function recordsOn(topic: string): Promise<number> {
    // This admin's metadata may predate the topic: the broker answers "not the leader" until it refreshes.
    const offsets = await waitFor(() => admin.fetchTopicOffsets(topic), { message: `the offsets of ${topic}` });
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  }

  const record = (key: string, value: string) => [{ key, value: Buffer.from(value) }];

  test('200 concurrent single-record publishes all resolve in far fewer requests, and keep per-key order', async () => {
    const registry = new Registry();
    const { bus, produceRequests } = countingBus({ metrics: createBusMetrics(registry) });
    try {
      const topic = await newTopic(bus);
      const keys = 20;
      // Spread over 20 event-loop turns, as independent HTTP requests come. Publishes of one turn always
      // share a request, so there are at most 20 (a request per publish would make 200); those of later
      // turns join while one is in flight, so usually there are far fewer (the unit tests pin that down).
      const published: Array<Promise<void>> = [];
      for (let i = 0; i < 200; i += 1) {
        published.push(bus.publish(topic, record(`key-${i % keys}`, String(i))));
        if (i % 10 === 9) await nextTick();
      }
      await Promise.all(published);
      expect(produceRequests()).toBeGreaterThan(0);
      expect(produceRequests()).toBeLessThanOrEqual(20);
      expect(await metricValue(registry, 'cjo_bus_messages_published_total', { topic })).toBe(200);

      const seen = new Map<string, number[]>();
      await bus.subscribe({
        groupId: uniqueName('bus_batching_group'),
        topics: [topic],
        partitionsConsumedConcurrently: 3,
        handler: async (message) => {
          const key = message.key ?? '';
          seen.set(key, [...(seen.get(key) ?? []), Number(message.value.toString())]);
          return { type: 'ok' };
        },
      });
      const total = (): number => [...seen.values()].reduce((sum, values) => sum + values.length, 0);
      await waitFor(() => total() === 200 || undefined, { timeoutMs: 20_000, message: 'all 200 records' });
      for (let k = 0; k < keys; k += 1) {
        expect(seen.get(`key-${k}`)).toEqual(Array.from({ length: 200 / keys }, (_, round) => round * keys + k));
      }
    } finally {
      await bus.close();
    }
  }, 40_000);

  test('publishes to several topics share one request and are counted per topic', async () => {
    const registry = new Registry();
    const { bus, produceRequests } = countingBus({ metrics: createBusMetrics(registry) });
    try {
      const first = await newTopic(bus);
      const second = await newTopic(bus, 1);
      // A topic shares requests once one request to it succeeded.
      await Promise.all([bus.publish(first, record('a', 'warm')), bus.publish(second, record('b', 'warm'))]);
      const before = produceRequests();
      await Promise.all([
        bus.publish(first, record('a', '1')),
        bus.publish(second, record('b', '1')),
        bus.publish(first, [...record('a', '2'), ...record('c', '1')]),
      ]);
      expect(produceRequests() - before).toBe(1);
      expect(await metricValue(registry, 'cjo_bus_messages_published_total', { topic: first })).toBe(4);
      expect(await metricValue(registry, 'cjo_bus_messages_published_total', { topic: second })).toBe(2);
      expect([await recordsOn(first), await recordsOn(second)]).toEqual([4, 2]);
    } finally {
      await bus.close();
    }
  }, 30_000);

  test('publishes to a missing topic fail only their own callers and hold nobody up', async () => {
    const { bus } = countingBus();
    try {
      const topic = await newTopic(bus);
      const missing = uniqueName('bus_batching_missing');
      await bus.publish(topic, record('k', 'warm'));
      const settledAt = { good: [] as number[], missing: [] as number[] };
      const errors: unknown[] = [];
      const published: Array<Promise<void>> = [];
      for (let i = 0; i < 20; i += 1) {
        published.push(
          bus.publish(topic, record(`k${i}`, String(i))).then(() => {
            settledAt.good.push(Date.now());
          }),
        );
        if (i % 4 === 0) {
          const failing = bus.publish(missing, record('k', String(i)));
          published.push(
            failing.then(
              () => undefined,
              (error: unknown) => {
                errors.push(error);
                settledAt.missing.push(Date.now());
              },
            ),
          );
        }
        await nextTick();
      }
      await Promise.all(published);
      expect(settledAt.good).toHaveLength(20);
      expect(errors).toHaveLength(5);
      for (const error of errors) expect(error).toMatchObject({ code: 'bus_unknown_topic', retriable: false });
      expect((errors[0] as CjoError).message).toContain(missing);
      // kafkajs retries an unknown topic for seconds; the other topic's publishes did not wait for that.
      expect(Math.max(...settledAt.good)).toBeLessThan(Math.min(...settledAt.missing));
      expect(await recordsOn(topic)).toBe(21);
    } finally {
      await bus.close();
    }
  }, 60_000);

  test('a request carries at most maxRequestMessages records', async () => {
    const { bus, produceRequests } = countingBus({ maxRequestMessages: 10 });
    try {
      const topic = await newTopic(bus);
      const before = produceRequests();
      await Promise.all(Array.from({ length: 100 }, (_, i) => bus.publish(topic, record(`k${i % 7}`, String(i)))));
      expect(produceRequests() - before).toBeGreaterThanOrEqual(10);
      expect(await recordsOn(topic)).toBe(100);
    } finally {
      await bus.close();
    }
  }, 30_000);

  test('close() sends the publishes still queued before it disconnects', async () => {
    const { bus } = countingBus();
    let closed = false;
    try {
      const topic = await newTopic(bus);
      const published: Array<Promise<void>> = [];
      for (let i = 0; i < 50; i += 1) {
        published.push(bus.publish(topic, record(`k${i % 5}`, String(i))));
        if (i % 10 === 0) await nextTick();
      }
      await bus.close();
      closed = true;
      await expect(Promise.all(published)).resolves.toHaveLength(50);
      expect(await recordsOn(topic)).toBe(50);
      await expect(bus.publish(topic, record('k', 'late'))).rejects.toMatchObject({ code: 'bus_closed' });
    } finally {
      if (!closed) await bus.close();
    }
  }, 30_000);
});
