import type { CjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { resolveRetryPolicy, waitInterruptibly } from '../backoff';
import type { BusMetrics } from '../bus-metrics';
import { trackConsumerLag } from '../consumer-lag';
import { batchHandlerOf, processBatch } from '../process-message';
import { healthOf } from '../subscription-health';
import type { ConsumeOptions, IncomingMessage, OutgoingMessage, Subscription, SubscriptionHealth } from '../types';
import { toBusError } from './kafka-errors';

export interface KafkaConsumerSettings {
  heartbeatIntervalMs: number;
  /** Commit during a long batch at least this often, so a crash re-delivers little. */
  commitIntervalMs: number;
}

export interface KafkaSubscriptionDeps {
  consumer: Consumer;
  options: ConsumeOptions;
  settings: KafkaConsumerSettings;
  publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>;
  logger: Logger;
  metrics: BusMetrics;
  onStopped: (subscription: Subscription) => void;
}

/**
 * Runs a consumer with manual commits: a record's offset is resolved only once
 * processBatch says it is done, and committed at batch end, periodically in long
 * batches, and when stopping.
 */
export async function startKafkaSubscription(deps: KafkaSubscriptionDeps): Promise<Subscription> {
  const { consumer, options, settings, logger } = deps;
  const retry = resolveRetryPolicy(options.retry);
  const stopping = new AbortController();
  const lag = trackConsumerLag(deps.metrics, options.groupId);
  let stopped: Promise<void> | undefined;
  let paused = false;
  let crashed: CjoError | undefined;

  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload;
    logger.error({ err: error, restart }, 'consumer crashed');
    // kafkajs restarts after retriable failures; otherwise it has left the group and nothing
    // will consume here again, which readiness must see instead of this log line alone.
    if (!restart && crashed === undefined) {
      crashed = toBusError(error, `consumer of ${options.groupId}`);
      lag.clear();
    }
  });
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition })),
    );
    lag.keepOnly(assigned);
  });

  const commit = async (payload: EachBatchPayload): Promise<boolean> => {
    if (payload.isStale()) return false;
    try {
      await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      return true;
    } catch (err) {
      // Usually a rebalance: the records are not lost, the next owner re-reads them.
      logger.warn({ err }, 'offset commit failed');
      return false;
    }
  };

  const heartbeat = async (payload: EachBatchPayload): Promise<boolean> => {
    try {
      await payload.heartbeat();
      return true;
    } catch (err) {
      logger.debug({ err }, 'heartbeat failed; leaving the batch for the rejoin');
      return false;
    }
  };

  const isPaused = (topic: string, partition: number): boolean =>
    consumer.paused().some((paused) => paused.topic === topic && paused.partitions.includes(partition));

  const { handler, maxBatchSize } = batchHandlerOf(options);

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    let lastCommit = Date.now();
    const firstOffset = batch.firstOffset();
    // Reported before the first record, so a partition stuck on a slow or retried record shows its lag.
    if (firstOffset !== null) lag.report(batch.topic, batch.partition, lagOf(batch.highWatermark, BigInt(firstOffset)));
    for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
      const interrupted =
        !payload.isRunning() || payload.isStale() || stopping.signal.aborted || isPaused(batch.topic, batch.partition);
      if (interrupted) break;
      const chunk = batch.messages.slice(start, start + maxBatchSize);
      const done = await processBatch(
        chunk.map((kafkaMessage) => toIncomingMessage(batch.topic, batch.partition, kafkaMessage)),
        {
          handler,
          groupId: options.groupId,
          metrics: deps.metrics,
          retry,
          publish: deps.publish,
          logger,
          wait: (ms) =>
            waitInterruptibly(ms, {
              signal: stopping.signal,
              heartbeat: () => payload.heartbeat(),
              heartbeatEveryMs: settings.heartbeatIntervalMs,
            }),
        },
      );
      const lastDone = chunk[done - 1];
      if (lastDone !== undefined) {
        payload.resolveOffset(lastDone.offset);
        lag.report(batch.topic, batch.partition, lagOf(batch.highWatermark, BigInt(lastDone.offset) + 1n));
      }
      // Unresolved records are fetched again: by this consumer after a pause, by the next owner after a stop.
      if (done < chunk.length) break;
      if (Date.now() - lastCommit >= settings.commitIntervalMs) {
        if (!(await commit(payload))) break;
        lastCommit = Date.now();
      }
      if (!(await heartbeat(payload))) break;
    }
    await commit(payload);
  };

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch,
    });
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw toBusError(err, `subscribe ${options.groupId} to ${options.topics.join(',')}`);
  }

  const subscription: Subscription = {
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        try {
          // Waits for the running batch, which commits what it finished, then leaves the group.
          await consumer.disconnect();
        } catch (err) {
          logger.warn({ err }, 'consumer disconnect failed');
        }
        lag.clear();
        deps.onStopped(subscription);
      })();
      return stopped;
    },
    pause() {
      consumer.pause(options.topics.map((topic) => ({ topic })));
      paused = true;
    },
    resume() {
      consumer.resume(options.topics.map((topic) => ({ topic })));
      paused = false;
    },
    health() {
      return healthOf({ stopped: stopped !== undefined, crashed, paused });
    },
  };
  return subscription;
}

/** Records from `nextOffset` to the partition's end, as of the fetch. */
function lagOf(highWatermark: string, nextOffset: bigint): number {
  return Math.max(0, Number(BigInt(highWatermark) - nextOffset));
}

function toIncomingMessage(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value ?? Buffer.alloc(0),
    headers: headersToStrings(message.headers),
    timestamp: Number(message.timestamp),
  };
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}
