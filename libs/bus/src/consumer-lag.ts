import type { BusMetrics } from './bus-metrics';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** The lag gauges of one subscription; it forgets partitions it no longer owns, so no stale series remains. */
export interface ConsumerLag {
  report(topic: string, partition: number, lag: number): void;
  /** After a rebalance: clears every reported partition not in `assigned`. */
  keepOnly(assigned: readonly TopicPartition[]): void;
  clear(): void;
}

export function trackConsumerLag(metrics: BusMetrics, groupId: string): ConsumerLag {
  const reported = new Map<string, TopicPartition>();
  const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
  const forget = (keep: ReadonlySet<string>): void => {
    for (const [key, { topic, partition }] of reported) {
      if (keep.has(key)) continue;
      metrics.clearConsumerLag(topic, partition, groupId);
      reported.delete(key);
    }
  };
  return {
    report(topic, partition, lag) {
      reported.set(keyOf(topic, partition), { topic, partition });
      metrics.consumerLag(topic, partition, groupId, lag);
    },
    keepOnly(assigned) {
      forget(new Set(assigned.map(({ topic, partition }) => keyOf(topic, partition))));
    },
    clear() {
      forget(new Set());
    },
  };
}
