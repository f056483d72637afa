import { type QueuedPublish, recordBytes, takeRequest, toTopicBatches } from '../src/kafka/produce-request';

const publish = (topic: string, values: string[]): QueuedPublish => {
  const messages = values.map((value) => ({ key: 'k', value: Buffer.from(value) }));
  return { topic, messages, bytes: recordBytes(messages) };
};

describe('produce requests', () => {
  test('recordBytes counts keys, values, headers and a per-record overhead', () => {
    const bare = recordBytes([{ key: 'ké', value: Buffer.alloc(10) }]);
    const withHeader = recordBytes([{ key: 'ké', value: Buffer.alloc(10), headers: { trace: 'abc' } }]);
    expect(bare).toBeGreaterThanOrEqual(3 + 10);
    expect(withHeader - bare).toBe('trace'.length + 'abc'.length);
    expect(recordBytes([])).toBe(0);
  });

  test('takeRequest takes publishes while they fit and stops at the first that does not', () => {
    const queue = [publish('a', ['1', '2']), publish('b', ['3']), publish('a', ['4', '5']), publish('b', ['6'])];
    const request = takeRequest(queue, { maxMessages: 4, maxBytes: 1_000_000 });
    expect(request.map((entry) => entry.topic)).toEqual(['a', 'b']);
    // The last one would fit the message limit, but skipping ahead could reorder a topic.
    expect(queue.map((entry) => entry.topic)).toEqual(['a', 'b']);
  });

  test('takeRequest always takes the first publish, whatever its size', () => {
    const queue = [publish('a', ['x'.repeat(1000)]), publish('a', ['y'])];
    expect(takeRequest(queue, { maxMessages: 10, maxBytes: 100 })).toHaveLength(1);
    expect(queue).toHaveLength(1);
  });

  test('takeRequest respects the byte limit', () => {
    const queue = [publish('a', ['x'.repeat(50)]), publish('a', ['y'.repeat(50)])];
    const first = queue[0]!.bytes;
    expect(takeRequest(queue, { maxMessages: 10, maxBytes: first + 10 })).toHaveLength(1);
  });

  test('toTopicBatches groups by topic in order of first appearance and keeps each topic in order', () => {
    const batches = toTopicBatches([publish('b', ['1']), publish('a', ['2']), publish('b', ['3', '4'])]);
    expect(batches.map(({ topic, messages }) => [topic, messages.map((message) => message.value.toString())])).toEqual([
      ['b', ['1', '3', '4']],
      ['a', ['2']],
    ]);
  });
});
