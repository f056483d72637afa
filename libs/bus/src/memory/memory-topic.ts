import { partitionForKey } from '../partition';
import type { OutgoingMessage, TopicSpec } from '../types';

export interface StoredRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

/** A topic's partitions; a record's offset is its index in its partition. */
export interface MemoryTopic {
  readonly spec: TopicSpec;
  readonly partitions: StoredRecord[][];
  readonly partitionOf: (key: string) => number;
}

export function createMemoryTopic(spec: TopicSpec): MemoryTopic {
  return { spec, partitions: Array.from({ length: spec.partitions }, () => []), partitionOf: (key: string) => partitionForKey(key, spec.partitions) };
}

export function appendRecord(topic: MemoryTopic, message: OutgoingMessage, now: number): void {
  const partition = topic.partitions[topic.partitionOf(message.key)];
  // Copies, so a caller reusing its buffer or headers object cannot rewrite history.
  partition?.push({
    key: message.key,
    value: Buffer.from(message.value),
    headers: { ...message.headers },
    timestamp: now,
  });
}
