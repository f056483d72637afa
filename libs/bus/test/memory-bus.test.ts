import { CjoError } from '@cjo/errors';
import { uniqueName, waitFor } from '@cjo/testkit';
import { type MemoryBus, createMemoryBus } from '../src';
import { describeBusContract } from './bus-contract';

describeBusContract('in-memory', () => createMemoryBus());

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
});
