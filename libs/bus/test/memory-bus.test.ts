import { CjoError } from '@cjo/errors';
import { createLogger } from '@cjo/log';
import { uniqueName, waitFor } from '@cjo/testkit';
import { type MemoryBus, createMemoryBus } from '../src';
import { describeBatchContract } from './batch-contract';
import { describeBusContract } from './bus-contract';

describeBusContract('in-memory', () => createMemoryBus());
describeBatchContract('in-memory', () => createMemoryBus());

describe('memory bus', () => {
  let bus: MemoryBus;
  let topic: string;

  beforeEach(async () => {
    bus = createMemoryBus();
    topic = uniqueName('memory_bus');
    await bus.ensureTopics([{ name: topic, partitions: 3, cleanupPolicy: 'delete' }]);
  });

  afterEach(() => bus.close());

  test('setAvailable(false) makes publish and ensureTopics reject with a retriable bus_unavailable', async () => {
    bus.setAvailable(false);
    const publishing = bus.publish(topic, [{ key: 'k', value: Buffer.from('v') }]);
    await expect(publishing).rejects.toBeInstanceOf(CjoError);
    await expect(publishing).rejects.toMatchObject({ code: 'bus_unavailable', retriable: true });
    await expect(bus.ensureTopics([{ name: topic, partitions: 3, cleanupPolicy: 'delete' }])).rejects.toMatchObject({
      code: 'bus_unavailable',
    });
    bus.setAvailable(true);
    await expect(bus.publish(topic, [{ key: 'k', value: Buffer.from('v') }])).resolves.toBeUndefined();
  });

  test('delivery waits while the bus is unavailable and resumes after', async () => {
    const received: string[] = [];
    await bus.publish(topic, [{ key: 'k', value: Buffer.from('first') }]);
    bus.setAvailable(false);
    await bus.subscribe({
      groupId: uniqueName('memory_group'),
      topics: [topic],
      handler: async (message) => {
        received.push(message.value.toString());
        return { type: 'ok' };
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
    bus.setAvailable(true);
    await waitFor(() => received.length === 1, { message: 'delivery after the bus came back' });
  });

  test('never runs a handler inside publish', async () => {
    let calls = 0;
    await bus.subscribe({
      groupId: uniqueName('memory_group'),
      topics: [topic],
      handler: async () => {
        calls += 1;
        return { type: 'ok' };
      },
    });
    const publishing = bus.publish(topic, [{ key: 'k', value: Buffer.from('v') }]);
    expect(calls).toBe(0);
    await publishing;
    await waitFor(() => calls === 1, { message: 'the asynchronous delivery' });
  });

  test('subscribing to a topic that was never ensured rejects', async () => {
    await expect(
      bus.subscribe({ groupId: uniqueName('memory_group'), topics: ['nope'], handler: async () => ({ type: 'ok' }) }),
    ).rejects.toMatchObject({ code: 'bus_unknown_topic' });
  });

  test('a failure of the runner itself marks the subscription crashed and frees its partitions', async () => {
    // The runner logs a dropped record; a log stream that throws is a fault outside any handler.
    const logger = createLogger({
      name: 'memory-bus-crash-test',
      level: 'debug',
      destination: {
        write: (line: string) => {
          if (line.includes('"record dropped"')) throw new Error('log stream closed');
        },
      },
    });
    const crashing = createMemoryBus({ logger });
    try {
      const single = uniqueName('memory_crash');
      await crashing.ensureTopics([{ name: single, partitions: 1, cleanupPolicy: 'delete' }]);
      const groupId = uniqueName('memory_group');
      const first = await crashing.subscribe({
        groupId,
        topics: [single],
        handler: async () => ({ type: 'drop', reason: 'not for us' }),
      });
      expect(first.health()).toEqual({ state: 'running' });
      await crashing.publish(single, [{ key: 'k', value: Buffer.from('lost?') }]);
      await waitFor(() => first.health().state === 'crashed' || undefined, { message: 'the crash' });
      expect(first.health().error).toMatchObject({ code: 'bus_consumer_crashed', message: 'log stream closed' });

      // With one partition, a second member gets it only if the crashed one left the group,
      // and gets the record again because the crashed one never committed it.
      const received: string[] = [];
      await crashing.subscribe({
        groupId,
        topics: [single],
        handler: async (message) => {
          received.push(message.value.toString());
          return { type: 'ok' };
        },
      });
      await waitFor(() => received.length === 1, { message: 'the record at the remaining member' });
      expect(received).toEqual(['lost?']);

      await first.stop();
      expect(first.health()).toMatchObject({ state: 'stopped', error: { code: 'bus_consumer_crashed' } });
    } finally {
      await crashing.close();
    }
  });
});
