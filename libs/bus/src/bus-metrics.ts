import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** How a record the runner finished ended; a record given up (to be delivered again) is not counted. */
export type ProcessedResult = 'ok' | 'drop' | 'dlq';

/**
 * What a bus reports about its traffic. Every label is a topic name, a consumer group or a
 * partition number, never a key, so the number of series stays bounded.
 */
export interface BusMetrics {
  /**
   * Records published through Bus.publish (DLQ records are counted by dlqPublished), and how long
   * the call took: the wait for a request in flight plus the broker's acknowledgement.
   */
  published(topic: string, count: number, seconds: number): void;
  processed(topic: string, group: string, result: ProcessedResult): void;
  /** A retriable failure that will be tried again after a backoff. */
  retried(topic: string, group: string): void;
  /** A record parked on `<sourceTopic>.dlq`. */
  dlqPublished(sourceTopic: string): void;
  /** One handler run (each attempt of a retried record counts). */
  handlerFinished(topic: string, group: string, seconds: number): void;
  /** Records of the partition not processed yet by the group. */
  consumerLag(topic: string, partition: number, group: string, lag: number): void;
  /** The partition moved to another member (or the consumer stopped): its last lag would be stale. */
  clearConsumerLag(topic: string, partition: number, group: string): void;
}

/** The default when a bus is created without metrics. */
export const noBusMetrics: BusMetrics = Object.freeze({
  published: () => undefined,
  processed: () => undefined,
  retried: () => undefined,
  dlqPublished: () => undefined,
  handlerFinished: () => undefined,
  consumerLag: () => undefined,
  clearConsumerLag: () => undefined,
});

/**
 * Prometheus metrics of one bus on the given registry (an app's own, see metricsRegistryOf in
 * @cjo/http). Call it once per registry: prom-client refuses a metric name registered twice.
 */
export function createBusMetrics(registry: Registry): BusMetrics {
  const registers = [registry];
  const published = new Counter({
    name: 'cjo_bus_messages_published_total',
    help: 'Records published through the bus, by topic (DLQ records are in cjo_bus_dlq_published_total)',
    labelNames: ['topic'] as const,
    registers,
  });
  const processed = new Counter({
    name: 'cjo_bus_messages_processed_total',
    help: 'Records a consumer finished, by topic, consumer group and result (ok, drop or dlq)',
    labelNames: ['topic', 'group', 'result'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'cjo_bus_retries_total',
    help: 'Retriable handler failures that were retried after a backoff',
    labelNames: ['topic', 'group'] as const,
    registers,
  });
  const dlqPublished = new Counter({
    name: 'cjo_bus_dlq_published_total',
    help: 'Records parked on the DLQ, by source topic',
    labelNames: ['topic'] as const,
    registers,
  });
  const publishDuration = new Histogram({
    name: 'cjo_bus_publish_duration_seconds',
    help: 'Duration of one Bus.publish call in seconds, from the call to the acknowledgement of its records',
    labelNames: ['topic'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const handlerDuration = new Histogram({
    name: 'cjo_bus_handler_duration_seconds',
    help: 'Duration of one handler run in seconds',
    labelNames: ['topic', 'group'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const lag = new Gauge({
    name: 'cjo_bus_consumer_lag',
    help: 'Records of a partition not processed yet by the group, as of the last record this process handled',
    labelNames: ['topic', 'partition', 'group'] as const,
    registers,
  });

  return {
    published: (topic, count, seconds) => {
      published.inc({ topic }, count);
      publishDuration.observe({ topic }, seconds);
    },
    processed: (topic, group, result) => processed.inc({ topic, group, result }),
    retried: (topic, group) => retries.inc({ topic, group }),
    dlqPublished: (topic) => dlqPublished.inc({ topic }),
    handlerFinished: (topic, group, seconds) => handlerDuration.observe({ topic, group }, seconds),
    consumerLag: (topic, partition, group, value) => lag.set({ topic, partition: String(partition), group }, value),
    clearConsumerLag: (topic, partition, group) => lag.remove({ topic, partition: String(partition), group }),
  };
}
