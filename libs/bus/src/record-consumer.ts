import { CjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import { subscribeRecords, type SubscribeRecordsOptions } from './typed-records';
import type { Bus, Subscription } from './types';

/** What a service consumer subscribes with; `name` names it in errors and log lines (usually the service's name). */
export type RecordConsumerOptions<T> = SubscribeRecordsOptions<T> & { name: string; logger?: Logger };

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
      const { name: _name, logger: _logger, ...subscribeOptions } = options;
      subscription = subscribeRecords(bus, subscribeOptions);
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
