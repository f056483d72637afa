import { CjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import { subscribeRecords, type SubscribeRecordsOptions, type TopicCodec } from './typed-records';
import type { Bus, RetryPolicy, Subscription } from './types';

export interface RecordConsumerOptions<T> {
  /** Names the consumer in errors and log lines (usually the service's name). */
  name: string;
  groupId: string;
  codec: TopicCodec<T>;
  handler: SubscribeRecordsOptions<T>['handler'];
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
}

/** One service consumer as a lifecycle sees it: started once, stopped once. */
export interface RecordConsumer {
  /** Subscribes; throws `consumer_state` when called a second time or after stop(). */
  start(): Promise<void>;
  /** Idempotent: every call returns the same promise. */
  stop(): Promise<void>;
  /**
   * true while the started subscription is running or deliberately paused; false before start,
   * after stop, and once the consumer crashed (it would process nothing while the service looks fine).
   */
  isHealthy(): boolean;
}

export function createRecordConsumer<T>(bus: Bus, options: RecordConsumerOptions<T>): RecordConsumer {
  const { name, groupId, codec, logger } = options;
  let subscription: Promise<Subscription> | undefined;
  let active: Subscription | undefined;
  let stopped: Promise<void> | undefined;

  return {
    async start() {
      // A restarted consumer would join the group again behind the lifecycle's back.
      if (subscription !== undefined || stopped !== undefined) {
        throw new CjoError('consumer_state', `the ${name} consumer was already started or stopped`);
      }
      subscription = subscribeRecords(bus, {
        groupId,
        codec,
        handler: options.handler,
        ...(options.retry === undefined ? {} : { retry: options.retry }),
      });
      active = await subscription;
      logger?.info({ groupId, topic: codec.topic }, `${name} consumer started`);
    },
    stop() {
      stopped ??= (async () => {
        // A start that failed left nothing to stop; its error was reported by start().
        const started = await subscription?.catch(() => undefined);
        if (started === undefined) return;
        await started.stop();
        logger?.info(`${name} consumer stopped`);
      })();
      return stopped;
    },
    isHealthy() {
      const state = active?.health().state;
      return state === 'running' || state === 'paused';
    },
  };
}
