import { CjoError } from '@cjo/errors';
import { createLogger } from '@cjo/log';
import { uniqueName, waitFor } from '@cjo/testkit';
import {
  type Bus,
  type MemoryBus,
  type SubscriptionHealth,
  type TopicCodec,
  createMemoryBus,
  createRecordConsumer,
  publishRecords,
} from '../src';

/** A codec of plain text, so the test needs no Avro contract. */
function textCodec(topic: string): TopicCodec<string> {
  return { topic, encode: (value) => Buffer.from(value), decode: (buffer) => buffer.toString('utf8') };
}

describe('createRecordConsumer', () => {
  let bus: MemoryBus;
  let codec: TopicCodec<string>;
  let received: string[];
  let lines: Array<{ msg: string }>;

  beforeEach(async () => {
    bus = createMemoryBus();
    codec = textCodec(uniqueName('record_consumer'));
    await bus.ensureTopics([{ name: codec.topic, partitions: 2, cleanupPolicy: 'delete' }]);
    received = [];
    lines = [];
  });

  afterEach(() => bus.close());

  function consumer(on: Bus = bus) {
    const logger = createLogger({
      name: 'record-consumer-test',
      destination: { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) },
    });
    return createRecordConsumer(on, {
      name: 'orders',
      groupId: uniqueName('record_consumer_group'),
      codec,
      logger,
      handler: async (value) => {
        received.push(value);
        return { type: 'ok' };
      },
    });
  }

  test('hands decoded records to the handler once started, and logs start and stop', async () => {
    const orders = consumer();
    await orders.start();
    await publishRecords(bus, codec, [
      { key: 'k', value: 'first' },
      { key: 'k', value: 'second' },
    ]);
    await waitFor(() => received.length === 2, { message: 'both records' });
    expect(received).toEqual(['first', 'second']);

    await orders.stop();
    expect(lines.map((line) => line.msg)).toEqual(['orders consumer started', 'orders consumer stopped']);
  });

  test('stops consuming on stop', async () => {
    const orders = consumer();
    await orders.start();
    await orders.stop();
    await publishRecords(bus, codec, [{ key: 'k', value: 'late' }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
  });

  test('stop is idempotent: every call returns the same promise', async () => {
    const orders = consumer();
    await orders.start();
    const first = orders.stop();
    expect(orders.stop()).toBe(first);
    await expect(Promise.all([first, orders.stop()])).resolves.toEqual([undefined, undefined]);
  });

  test('stop before start resolves and leaves nothing to log', async () => {
    const orders = consumer();
    await expect(orders.stop()).resolves.toBeUndefined();
    expect(lines).toEqual([]);
  });

  test('refuses a second start and a start after stop', async () => {
    const twice = consumer();
    await twice.start();
    await expect(twice.start()).rejects.toMatchObject({ code: 'consumer_state' });
    await twice.stop();

    const afterStop = consumer();
    await afterStop.stop();
    const starting = afterStop.start();
    await expect(starting).rejects.toBeInstanceOf(CjoError);
    await expect(starting).rejects.toMatchObject({ code: 'consumer_state' });
  });

  test('stop tolerates a start that failed', async () => {
    const failing: Bus = {
      ensureTopics: (specs) => bus.ensureTopics(specs),
      publish: (topic, messages) => bus.publish(topic, messages),
      close: () => bus.close(),
      subscribe: () => Promise.reject(new Error('broker gone')),
    };
    const orders = consumer(failing);
    await expect(orders.start()).rejects.toThrow('broker gone');
    await expect(orders.stop()).resolves.toBeUndefined();
    expect(lines).toEqual([]);
  });

  test('is healthy only between start and stop', async () => {
    const orders = consumer();
    expect(orders.isHealthy()).toBe(false);
    await orders.start();
    expect(orders.isHealthy()).toBe(true);
    await orders.stop();
    expect(orders.isHealthy()).toBe(false);
  });

  test('follows the subscription: paused is healthy, crashed is not', async () => {
    let health: SubscriptionHealth = { state: 'running' };
    const crashable: Bus = {
      ensureTopics: (specs) => bus.ensureTopics(specs),
      publish: (topic, messages) => bus.publish(topic, messages),
      close: () => bus.close(),
      subscribe: async () => ({
        stop: async () => undefined,
        pause: () => undefined,
        resume: () => undefined,
        health: () => health,
      }),
    };
    const orders = consumer(crashable);
    await orders.start();
    expect(orders.isHealthy()).toBe(true);
    health = { state: 'paused' };
    expect(orders.isHealthy()).toBe(true);
    health = { state: 'crashed', error: new CjoError('bus_rejected', 'group authorization failed') };
    expect(orders.isHealthy()).toBe(false);
    await orders.stop();
  });

  test('a start that failed leaves the consumer unhealthy', async () => {
    const failing: Bus = {
      ensureTopics: (specs) => bus.ensureTopics(specs),
      publish: (topic, messages) => bus.publish(topic, messages),
      close: () => bus.close(),
      subscribe: () => Promise.reject(new Error('broker gone')),
    };
    const orders = consumer(failing);
    await expect(orders.start()).rejects.toThrow('broker gone');
    expect(orders.isHealthy()).toBe(false);
  });
});
