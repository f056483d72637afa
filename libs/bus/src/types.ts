import type { CjoError } from '@cjo/errors';

/** How a topic is created. The catalogue in @cjo/contract is the source of these. */
export interface TopicSpec {
  name: string;
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  /** Retention in ms for `delete` topics; omitted means the broker default. */
  retentionMs?: number;
}

/** A record to publish. `key` decides the partition, so per-key order holds. */
export interface OutgoingMessage {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

/** A record as a consumer sees it. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (int64). */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Broker/producer timestamp, ms since epoch. */
  timestamp: number;
}

/**
 * What a handler (or a pipeline step) decided. Exactly one place, the consumer
 * runner, acts on it:
 * - ok: done, commit.
 * - drop: deliberately ignored (logged with the reason), commit.
 * - dlq: cannot ever succeed: publish to `<topic>.dlq` with error headers, commit.
 * - retry: may succeed later: back off and run the handler again; after the
 *   retry budget is spent the record goes to the DLQ.
 */
export type HandlerResult =
  | { type: 'ok' }
  | { type: 'drop'; reason: string }
  | { type: 'dlq'; error: CjoError }
  | { type: 'retry'; error: CjoError };

export type MessageHandler = (message: IncomingMessage) => Promise<HandlerResult>;

/**
 * Handles consecutive records of one partition, in offset order, and returns exactly one result per
 * record, in the same order. See processBatch for how the runner acts on them.
 */
export type BatchMessageHandler = (messages: IncomingMessage[]) => Promise<HandlerResult[]>;

export interface RetryPolicy {
  /** Attempts in all, the first included, before a retriable failure goes to the DLQ. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

interface CommonConsumeOptions {
  groupId: string;
  topics: string[];
  /** A new group starts at the earliest offset (default true: nothing is skipped). */
  fromBeginning?: boolean;
  retry?: Partial<RetryPolicy>;
  /** How many partitions one subscription works on at the same time (default 1). Order holds per partition. */
  partitionsConsumedConcurrently?: number;
}

/** A subscription runs either one record at a time (`handler`) or batches of records (`batchHandler`). */
export type ConsumeOptions = CommonConsumeOptions &
  (
    | { handler: MessageHandler; batchHandler?: never; maxBatchSize?: never }
    | {
        batchHandler: BatchMessageHandler;
        handler?: never;
        /** Most records per handler call (default 500). */
        maxBatchSize?: number;
      }
  );

/**
 * running: fetching and processing. paused: pause() holds delivery on purpose.
 * crashed: the consumer died and will not come back by itself (a Kafka crash that the
 * client does not restart, or the in-memory runner failing); only a new process or a new
 * subscription recovers. stopped: stop() was called.
 */
export type SubscriptionState = 'running' | 'paused' | 'crashed' | 'stopped';

export interface SubscriptionHealth {
  state: SubscriptionState;
  /** Why the consumer crashed; kept after a later stop(). */
  error?: CjoError;
}

export interface Subscription {
  /**
   * Stop fetching, let the in-flight record finish, commit what was processed,
   * leave the group. Safe to call twice.
   */
  stop(): Promise<void>;
  /** Backpressure: stop fetching new records (the in-flight record finishes). */
  pause(): void;
  /** Undo pause(). */
  resume(): void;
  /** What the consumer is doing now; readiness checks ask this. */
  health(): SubscriptionHealth;
}

/** The platform's only way to talk between services. Two implementations: Kafka and in-memory. */
export interface Bus {
  /** Creates topics that do not exist yet (and their `<name>.dlq` twins). Idempotent. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /**
   * Publishes all messages to one topic; resolves only once every message is
   * acknowledged by all in-sync replicas (acks=all), rejects otherwise with a
   * retriable CjoError (code `bus_unavailable`) when the broker cannot be reached.
   */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: ConsumeOptions): Promise<Subscription>;
  /** Stops every subscription, flushes and disconnects the producer. Safe to call twice. */
  close(): Promise<void>;
}

/** Headers the runner puts on a DLQ record. */
export const DLQ_HEADERS = {
  errorCode: 'cjo-error-code',
  errorMessage: 'cjo-error-message',
  sourceTopic: 'cjo-source-topic',
  sourcePartition: 'cjo-source-partition',
  sourceOffset: 'cjo-source-offset',
  attempts: 'cjo-attempts',
} as const;

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
