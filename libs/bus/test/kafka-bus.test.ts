import { createLogger } from '@cjo/log';
import { describeWithInfra, uniqueName, waitFor } from '@cjo/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { createBusMetrics, createKafkaBus, createRecordConsumer, dlqTopicOf, partitionForKey } from '../src';
import { describeBatchContract } from './batch-contract';
import { describeBusContract } from './bus-contract';
import { metricValue } from './metric-value';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = createLogger({ name: 'kafka-bus-test', level: 'error' });

async function deleteTopics(topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bus-test-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

describeWithInfra(['kafka'], 'kafka bus', () => {
  describeBusContract('kafka', () => createKafkaBus({ brokers, clientId: 'bus-contract-test', logger }), {
    deleteTopics,
  });
  describeBatchContract('kafka', () => createKafkaBus({ brokers, clientId: 'bus-batch-contract-test', logger }), {
    deleteTopics,
  });

  test('publish against an unreachable broker rejects with a retriable bus_unavailable, in bounded time', async () => {
    const bus = createKafkaBus({ brokers: ['127.0.0.1:1'], clientId: 'bus-dead-broker-test', logger });
    try {
      const started = Date.now();
      await expect(bus.publish('any-topic', [{ key: 'k', value: Buffer.from('v') }])).rejects.toMatchObject({
        code: 'bus_unavailable',
        retriable: true,
      });
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await bus.close();
    }
  }, 20_000);

  describe('consumer health and metrics', () => {
    const createdTopics: string[] = [];

    afterAll(async () => {
      if (createdTopics.length > 0) await deleteTopics(createdTopics.splice(0));
    });

    async function newTopic(bus: ReturnType<typeof createKafkaBus>, partitions: number): Promise<string> {
      const topic = uniqueName('kafka_health');
      createdTopics.push(topic, dlqTopicOf(topic));
      await bus.ensureTopics([{ name: topic, partitions, cleanupPolicy: 'delete', retentionMs: 3_600_000 }]);
      return topic;
    }

    test('a consumer kafkajs will not restart reports crashed, and its record consumer turns unhealthy', async () => {
      // The broker refuses to let a member join with a session timeout below group.min.session.timeout.ms
      // (6 s by default): INVALID_SESSION_TIMEOUT is not retriable, so kafkajs crashes the consumer for good,
      // yet subscribe() resolves, because kafkajs joins the group after run() returned.
      const bus = createKafkaBus({
        brokers,
        clientId: 'bus-crash-test',
        // The provoked crash is logged at error level by kafkajs and the bus; it is expected here.
        logger: createLogger({ name: 'kafka-bus-crash-test', level: 'silent' }),
        consumer: { sessionTimeoutMs: 1000, heartbeatIntervalMs: 100 },
      });
      try {
        const topic = await newTopic(bus, 1);
        const subscription = await bus.subscribe({
          groupId: uniqueName('kafka_crash_group'),
          topics: [topic],
          handler: async () => ({ type: 'ok' }),
        });
        await waitFor(() => subscription.health().state === 'crashed' || undefined, {
          timeoutMs: 15_000,
          message: 'the consumer crash',
        });
        expect(subscription.health().error).toMatchObject({ code: 'bus_rejected' });
        expect(subscription.health().error?.message).toMatch(/session timeout/i);

        const consumer = createRecordConsumer(bus, {
          name: 'crashing',
          groupId: uniqueName('kafka_crash_group'),
          codec: { topic, encode: (value: string) => Buffer.from(value), decode: (buffer) => buffer.toString() },
          handler: async () => ({ type: 'ok' }),
        });
        await consumer.start();
        await waitFor(() => !consumer.isHealthy(), { timeoutMs: 15_000, message: 'the record consumer turning unhealthy' });
        expect(consumer.isHealthy()).toBe(false);
        await consumer.stop();
      } finally {
        await bus.close();
      }
    }, 40_000);

    test('counts published and processed records and reports each partition lag', async () => {
      const registry = new Registry();
      const bus = createKafkaBus({ brokers, clientId: 'bus-metrics-test', logger, metrics: createBusMetrics(registry) });
      try {
        const topic = await newTopic(bus, 3);
        const groupId = uniqueName('kafka_metrics_group');
        const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
        await bus.publish(topic, keys.map((key) => ({ key, value: Buffer.from(key) })));
        let handled = 0;
        await bus.subscribe({
          groupId,
          topics: [topic],
          handler: async () => {
            handled += 1;
            return { type: 'ok' };
          },
        });
        const partitions = [...new Set(keys.map((key) => partitionForKey(key, 3)))];
        const lags = () =>
          Promise.all(
            partitions.map((partition) =>
              metricValue(registry, 'cjo_bus_consumer_lag', { topic, partition: String(partition), group: groupId }),
            ),
          );
        await waitFor(async () => handled === keys.length && (await lags()).every((lag) => lag === 0), {
          timeoutMs: 15_000,
          message: 'every record processed, no lag left',
        });
        expect(await metricValue(registry, 'cjo_bus_messages_published_total', { topic })).toBe(keys.length);
        expect(
          await metricValue(registry, 'cjo_bus_messages_processed_total', { topic, group: groupId, result: 'ok' }),
        ).toBe(keys.length);
        expect(await lags()).toEqual(partitions.map(() => 0));
      } finally {
        await bus.close();
      }
    }, 40_000);
  });
});
