import { randomBytes } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { keyPartitioner, murmur2, partitionForKey } from '../src/partition';

function metadata(partitions: number): PartitionMetadata[] {
  return Array.from({ length: partitions }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0] }));
}

// Keys of every length from 0 to 40 bytes (each tail length of the hash), ASCII, multi-byte UTF-8 and emoji.
function sampleKeys(): string[] {
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'user-42', 'anon-6f1c', 'müller@example.com', '東京', '🙂🙃', 'ß'.repeat(13)];
  for (let i = 0; i < 2000; i += 1) {
    const bytes = randomBytes(1 + (i % 30));
    keys.push(i % 3 === 0 ? bytes.toString('hex').slice(0, i % 41) : i % 3 === 1 ? bytes.toString('base64') : `${bytes.toString('latin1')}✓`);
  }
  return keys;
}

describe('partitionForKey: Kafka’s Java-compatible key partitioning', () => {
  it('picks the partition kafkajs’s default (Java-compatible) partitioner picks, for every key and partition count', () => {
    for (const partitions of [1, 3, 12, 24, 100]) {
      const kafkajs = Partitioners.DefaultPartitioner();
      const ours = keyPartitioner();
      for (const key of sampleKeys()) {
        const expected = kafkajs({ topic: 't', partitionMetadata: metadata(partitions), message: { key, value: null } });
        expect([key, partitions, partitionForKey(key, partitions)]).toEqual([key, partitions, expected]);
        expect(ours({ topic: 't', partitionMetadata: metadata(partitions), message: { key, value: null } })).toBe(expected);
        expect(ours({ topic: 't', partitionMetadata: metadata(partitions), message: { key: Buffer.from(key), value: null } })).toBe(expected);
      }
    }
  });

  it('gives the hashes of the Java client (the cases of Kafka’s UtilsTest.testMurmur2)', () => {
    const java: Array<[string, number]> = [
      ['21', -973_932_308],
      ['foobar', -790_332_482],
      ['a-little-bit-long-string', -985_981_536],
      ['a-little-bit-longer-string', -1_486_304_829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58_897_971],
      ['abc', 479_470_107],
    ];
    expect(java.map(([key]) => [key, murmur2(key)])).toEqual(java);
  });

  it('honours a partition the message names, and refuses a message without key', () => {
    const ours = keyPartitioner();
    expect(ours({ topic: 't', partitionMetadata: metadata(12), message: { key: 'k', partition: 7, value: null } })).toBe(7);
    expect(() => ours({ topic: 't', partitionMetadata: metadata(12), message: { value: null } })).toThrow('keyed messages only');
  });
});
