import { performance } from 'node:perf_hooks';
import { CjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import { keyPartitioner } from '../partition';
import { type BusMetrics, noBusMetrics } from '../bus-metrics';
import { withDlqTwins } from '../topic-specs';
import type { Bus, ConsumeOptions, OutgoingMessage, Subscription, TopicSpec } from '../types';
import { toBusError } from './kafka-errors';
import { pinoLogCreator } from './kafka-log';
import { startKafkaSubscription } from './kafka-subscription';
import type { TopicBatch } from './produce-request';
import { createPublishBatcher } from './publish-batcher';
import { waitForTopicLeaders } from './topic-leaders';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** TCP connect timeout per attempt (default 1000 ms, so even a silent host fails a publish within ~10 s). */
  connectionTimeoutMs?: number;
  /** Per-request timeout, also the broker's ack timeout for a publish (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Client retries after the first try (default 5: a dead broker fails a publish within about 10 s). */
  retries?: number;
  consumer?: Partial<KafkaConsumerTuning>;
  /** Where the bus reports its traffic (see createBusMetrics); nothing is recorded when omitted. */
  metrics?: BusMetrics;
  /** Most records that concurrent publishes put in one shared produce request (default 10,000). */
  maxRequestMessages?: number;
  /**
   * Most bytes of keys, values and headers in one shared produce request (default 1,000,000: the broker
   * refuses a record batch above max.message.bytes, 1 MiB by default). A single larger publish still goes, alone.
   */
  maxRequestBytes?: number;
  /** Called for every request the producer sends to a broker (kafkajs request instrumentation), e.g. to count them. */
  onProducerRequest?: (request: ProducerRequest) => void;
}

/** A request the producer sent: `apiName` is `Produce` for records, `Metadata` and others for housekeeping. */
export interface ProducerRequest {
  apiName: string;
  /** Bytes on the wire. */
  size: number;
  durationMs: number;
}

/** Defaults suit a single-node development broker: quick group joins and short polls. */
export interface KafkaConsumerTuning {
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
  commitIntervalMs: number;
}

const DEFAULT_CONSUMER_TUNING: Readonly<KafkaConsumerTuning> = Object.freeze({
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 200,
  commitIntervalMs: 1000,
});

export function createKafkaBus(options: KafkaBusOptions): Bus {
  const logger = options.logger.child({ component: 'kafka-bus', clientId: options.clientId });
  const requestTimeout = options.requestTimeoutMs ?? 5000;
  const retry = { retries: options.retries ?? 5, initialRetryTime: 200, maxRetryTime: 2000 };
  const tuning: KafkaConsumerTuning = { ...DEFAULT_CONSUMER_TUNING, ...options.consumer };
  const metrics = options.metrics ?? noBusMetrics;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 1000,
    requestTimeout,
    retry,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
  });
  // Bounded retries keep a dead broker from hanging publish for minutes; kafkajs warns that this
  // weakens exactly-once, which is fine: consumers are idempotent and delivery is at least once.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: keyPartitioner,
    retry,
  });
  const { onProducerRequest } = options;
  if (onProducerRequest !== undefined) {
    producer.on(producer.events.REQUEST, ({ payload }) =>
      onProducerRequest({ apiName: payload.apiName, size: payload.size, durationMs: payload.duration }),
    );
  }
  const admin = kafka.admin({ retry });
  const connectProducer = connectOnce(() => producer.connect());
  const connectAdmin = connectOnce(() => admin.connect());
  const subscriptions = new Set<Subscription>();
  let closed: Promise<void> | undefined;

  const assertOpen = (): void => {
    if (closed !== undefined) throw new CjoError('bus_closed', 'the bus is closed');
  };

  const sendRequest = async (batches: TopicBatch[]): Promise<void> => {
    try {
      await connectProducer();
      await producer.sendBatch({
        acks: -1,
        timeout: requestTimeout,
        topicMessages: batches.map(({ topic, messages }) => ({
          topic,
          messages: messages.map((message) => ({ key: message.key, value: message.value, headers: message.headers })),
        })),
      });
    } catch (err) {
      throw toBusError(err, `publish to ${batches.map((batch) => batch.topic).join(', ')}`);
    }
  };
  // Concurrent publishes wait for the request in flight and share the next one instead of each
  // making its own (see publish-batcher.ts for failures and order).
  const batcher = createPublishBatcher({
    send: sendRequest,
    limits: { maxMessages: options.maxRequestMessages ?? 10_000, maxBytes: options.maxRequestBytes ?? 1_000_000 },
  });

  // Subscriptions send DLQ records through this directly: while close() drains them the
  // bus already refuses callers, but a record finishing on the DLQ must still get there.
  const send = async (topic: string, messages: OutgoingMessage[]): Promise<void> => {
    if (messages.length === 0) return;
    await batcher.publish(topic, messages);
  };

  // close() may have started while the consumer was joining; it must not outlive the bus.
  const keepUnlessClosed = async (subscription: Subscription): Promise<Subscription> => {
    if (closed !== undefined) {
      await subscription.stop();
      throw new CjoError('bus_closed', 'the bus closed while subscribing');
    }
    subscriptions.add(subscription);
    return subscription;
  };

  return {
    async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
      assertOpen();
      const started = performance.now();
      await send(topic, messages);
      metrics.published(topic, messages.length, (performance.now() - started) / 1000);
    },

    async ensureTopics(specs: TopicSpec[]): Promise<void> {
      assertOpen();
      try {
        await connectAdmin();
        const existing = new Set(await admin.listTopics());
        const missing = withDlqTwins(specs).filter((spec) => !existing.has(spec.name));
        if (missing.length === 0) return;
        // Another process may create the same topics meanwhile: kafkajs resolves rather than
        // rejects when "already exists" is the only error.
        await admin.createTopics({ topics: missing.map(toTopicConfig), waitForLeaders: false });
        await waitForTopicLeaders(admin, missing.map((spec) => spec.name));
      } catch (err) {
        throw toBusError(err, 'ensure topics');
      }
    },

    async subscribe(consumeOptions: ConsumeOptions): Promise<Subscription> {
      assertOpen();
      const consumer = kafka.consumer({
        groupId: consumeOptions.groupId,
        sessionTimeout: tuning.sessionTimeoutMs,
        rebalanceTimeout: tuning.rebalanceTimeoutMs,
        heartbeatInterval: tuning.heartbeatIntervalMs,
        maxWaitTimeInMs: tuning.maxWaitTimeMs,
        allowAutoTopicCreation: false,
        retry,
      });
      const subscription = await startKafkaSubscription({
        consumer,
        options: consumeOptions,
        settings: { heartbeatIntervalMs: tuning.heartbeatIntervalMs, commitIntervalMs: tuning.commitIntervalMs },
        publish: send,
        logger: logger.child({ groupId: consumeOptions.groupId }),
        metrics,
        onStopped: (stopped) => subscriptions.delete(stopped),
      });
      return keepUnlessClosed(subscription);
    },

    close(): Promise<void> {
      closed ??= (async () => {
        await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
        // Flushes rather than refuses: every publish accepted before close() (and every DLQ record of the
        // subscriptions that just stopped) is sent and settles as usual before the producer disconnects.
        await batcher.drain();
        await Promise.all([
          producer.disconnect().catch((err: unknown) => logger.warn({ err }, 'producer disconnect failed')),
          admin.disconnect().catch((err: unknown) => logger.warn({ err }, 'admin disconnect failed')),
        ]);
      })();
      return closed;
    },
  };
}

/** Memoises a connect; a failed one is forgotten so the next call tries again. */
function connectOnce(connect: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= connect().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

function toTopicConfig(spec: TopicSpec): ITopicConfig {
  const configEntries: Array<{ name: string; value: string }> = [{ name: 'cleanup.policy', value: spec.cleanupPolicy }];
  if (spec.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  return { topic: spec.name, numPartitions: spec.partitions, configEntries };
}
