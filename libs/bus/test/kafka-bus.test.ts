import { createLogger } from '@cjo/log';
import { describeWithInfra } from '@cjo/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaBus } from '../src';
import { describeBusContract } from './bus-contract';

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
});
