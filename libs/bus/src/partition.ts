import { Partitioners, type PartitionMetadata } from 'kafkajs';

/**
 * The partition Kafka's default (murmur2, Java-compatible) partitioner picks for a key, as a
 * function of the key for a topic of `partitions` partitions. The in-memory bus uses it too, so a
 * key lands on the same partition number in both. Make one per topic: building it costs far more
 * than using it.
 */
export function keyPartitioner(partitions: number): (key: string) => number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  const partitioner = Partitioners.DefaultPartitioner();
  return (key) => partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}

export function partitionForKey(key: string, partitions: number): number {
  return keyPartitioner(partitions)(key);
}
