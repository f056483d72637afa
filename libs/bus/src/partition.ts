import { Partitioners, type PartitionMetadata } from 'kafkajs';

/**
 * The partition Kafka's default (murmur2, Java-compatible) partitioner picks for a key.
 * The in-memory bus uses it too, so a key lands on the same partition number in both.
 */
export function partitionForKey(key: string, partitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return Partitioners.DefaultPartitioner()({ topic: '', partitionMetadata, message: { key, value: null } });
}
