import { setTimeout as sleep } from 'node:timers/promises';
import { CjoError } from '@cjo/errors';
import { uniqueName } from '@cjo/testkit';
import {
  type Bus,
  type DecodedRecord,
  type HandlerResult,
  type IncomingMessage,
  type TopicCodec,
  createRecordConsumer,
  dlqTopicOf,
  subscribeRecords,
} from '../src';
import type { BusContractHooks } from './bus-contract';
import { busFixture } from './bus-fixture';

const PARTITIONS = 3;
const OK: HandlerResult = { type: 'ok' };
const transient = new CjoError('not_yet', 'dependency down', { retriable: true });

/** Values are decimal numbers as text; anything else does not decode. */
const numberCodec = (topic: string): TopicCodec<number> => ({
  topic,
  encode: (value) => Buffer.from(String(value)),
  decode: (buffer) => {
    const value = Number(buffer.toString('utf8'));
    if (!Number.isInteger(value)) throw new CjoError('test_decode_failed', 'not a number');
    return value;
  },
});

/** Batch handlers (batchHandler / maxBatchSize) behave the same on every bus. */
export function describeBatchContract(name: string, makeBus: () => Bus, hooks: BusContractHooks = {}): void {
  const quietMs = hooks.quietMs ?? 300;

  describe(`Bus batch contract: ${name}`, () => {
    const fixture = busFixture(makeBus, hooks, 'bus_batch');
    let bus: Bus;
    beforeEach(() => {
      bus = fixture.bus();
    });
    const newTopic = (): Promise<string> => fixture.newTopic(PARTITIONS);
    const { until } = fixture;

    const publishNumbers = (topic: string, key: string, values: Array<number | string>) =>
      bus.publish(topic, values.map((value) => ({ key, value: Buffer.from(String(value)) })));

    test('a batch holds consecutive records of one partition, in offset order, at most maxBatchSize of them', async () => {
      const topic = await newTopic();
      const numbers = Array.from({ length: 40 }, (_, index) => index);
      for (const key of ['a', 'b', 'c', 'd']) await publishNumbers(topic, key, numbers);
      const batches: Array<Array<DecodedRecord<number>>> = [];
      await subscribeRecords(bus, {
        groupId: uniqueName('bus_batch_group'),
        codec: numberCodec(topic),
        maxBatchSize: 7,
        partitionsConsumedConcurrently: 2,
        batchHandler: async (records) => {
          batches.push(records);
          return records.map(() => OK);
        },
      });
      const total = () => batches.reduce((sum, batch) => sum + batch.length, 0);
      await until(() => total() === 160, 'every record');
      await sleep(quietMs);
      expect(total()).toBe(160);
      expect(batches.some((batch) => batch.length > 1)).toBe(true);
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(7);
        expect(new Set(batch.map((record) => record.message.partition)).size).toBe(1);
        const offsets = batch.map((record) => BigInt(record.message.offset));
        offsets.forEach((offset, index) => index > 0 && expect(offset).toBe((offsets[index - 1] ?? 0n) + 1n));
      }
      for (const key of ['a', 'b', 'c', 'd']) {
        const seen = batches.flat().filter((record) => record.message.key === key).map((record) => record.value);
        expect(seen).toEqual(numbers);
      }
    });

    test('a record that does not decode goes to the DLQ without reaching the handler; its batch is handled', async () => {
      const topic = await newTopic();
      await publishNumbers(topic, 'k', [1, 2, 'poison', 3]);
      const handled: number[] = [];
      const parked: IncomingMessage[] = [];
      await bus.subscribe({
        groupId: uniqueName('bus_batch_dlq'),
        topics: [dlqTopicOf(topic)],
        handler: async (message) => {
          parked.push(message);
          return OK;
        },
      });
      await subscribeRecords(bus, {
        groupId: uniqueName('bus_batch_group'),
        codec: numberCodec(topic),
        batchHandler: async (records) => {
          handled.push(...records.map((record) => record.value));
          return records.map(() => OK);
        },
      });
      await until(() => handled.length === 3 && parked.length === 1, 'the handled records and the parked one');
      expect(handled).toEqual([1, 2, 3]);
      expect(parked[0]?.value.toString()).toBe('poison');
    });

    test('a retry commits the records before it: a new member starts at the retried record', async () => {
      const topic = await newTopic();
      const groupId = uniqueName('bus_batch_group');
      await publishNumbers(topic, 'k', [1, 2, 3, 4]);
      let attemptsOnThree = 0;
      const first = await subscribeRecords(bus, {
        groupId,
        codec: numberCodec(topic),
        retry: { maxAttempts: 1000, initialBackoffMs: 50, maxBackoffMs: 100 },
        batchHandler: async (records) =>
          records.map((record) => {
            if (record.value !== 3) return OK;
            attemptsOnThree += 1;
            return { type: 'retry', error: transient };
          }),
      });
      await until(() => attemptsOnThree >= 2, 'the first member retrying record 3');
      await first.stop();

      const redelivered: number[] = [];
      await subscribeRecords(bus, {
        groupId,
        codec: numberCodec(topic),
        batchHandler: async (records) => {
          redelivered.push(...records.map((record) => record.value));
          return records.map(() => OK);
        },
      });
      await until(() => redelivered.length >= 2, 'the redelivery');
      await sleep(quietMs);
      expect(redelivered).toEqual([3, 4]);
    });

    test('a service consumer runs a batch handler and reports healthy', async () => {
      const topic = await newTopic();
      const handled: number[] = [];
      const consumer = createRecordConsumer(bus, {
        name: 'batch-test',
        groupId: uniqueName('bus_batch_group'),
        codec: numberCodec(topic),
        maxBatchSize: 50,
        batchHandler: async (records) => {
          handled.push(...records.map((record) => record.value));
          return records.map(() => OK);
        },
      });
      await consumer.start();
      expect(consumer.isHealthy()).toBe(true);
      await publishNumbers(topic, 'k', [5, 6, 7]);
      await until(() => handled.length === 3, 'the records');
      expect(handled).toEqual([5, 6, 7]);
      await consumer.stop();
      expect(consumer.isHealthy()).toBe(false);
    });
  });
}
