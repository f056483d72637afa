import { type CjoError, toCjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import { resolveRetryPolicy, waitInterruptibly } from '../backoff';
import type { BusMetrics } from '../bus-metrics';
import { type ConsumerLag, trackConsumerLag } from '../consumer-lag';
import { batchHandlerOf, processBatch } from '../process-message';
import { healthOf } from '../subscription-health';
import type {
  BatchMessageHandler,
  ConsumeOptions,
  IncomingMessage,
  OutgoingMessage,
  RetryPolicy,
  Subscription,
  SubscriptionHealth,
} from '../types';
import type { GroupMember, MemoryGroup, PartitionAssignment } from './memory-group';
import { Wakeup } from './wakeup';

export interface MemorySubscriptionDeps {
  options: ConsumeOptions;
  group: MemoryGroup;
  publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>;
  isAvailable: () => boolean;
  logger: Logger;
  metrics: BusMetrics;
  onStopped: (subscription: MemorySubscription) => void;
}

interface Slot extends PartitionAssignment {
  busy: boolean;
}

/**
 * One group member. Each of its lanes (partitionsConsumedConcurrently) takes the next
 * record of a partition no other lane is working on, so order holds per partition.
 */
export class MemorySubscription implements Subscription, GroupMember {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  private readonly retry: RetryPolicy;
  private readonly handler: BatchMessageHandler;
  private readonly maxBatchSize: number;
  private readonly wakeup = new Wakeup();
  private readonly stopping = new AbortController();
  private readonly lag: ConsumerLag;
  private slots: Slot[] = [];
  private nextSlotIndex = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private paused = false;
  private lanes: Array<Promise<void>> = [];
  private stopped: Promise<void> | undefined;
  private left: Promise<void> | undefined;
  private crashed: CjoError | undefined;

  constructor(private readonly deps: MemorySubscriptionDeps) {
    this.topics = [...deps.options.topics];
    this.fromBeginning = deps.options.fromBeginning ?? true;
    this.retry = resolveRetryPolicy(deps.options.retry);
    ({ handler: this.handler, maxBatchSize: this.maxBatchSize } = batchHandlerOf(deps.options));
    this.lag = trackConsumerLag(deps.metrics, deps.options.groupId);
  }

  async start(): Promise<void> {
    const lanes = Math.max(1, this.deps.options.partitionsConsumedConcurrently ?? 1);
    this.lanes = Array.from({ length: lanes }, () => this.runLane());
    await this.deps.group.join(this);
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      this.wakeup.notify();
      await Promise.all(this.lanes);
      await this.leaveGroup();
      this.lag.clear();
      this.deps.onStopped(this);
    })();
    return this.stopped;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wakeup.notify();
  }

  health(): SubscriptionHealth {
    return healthOf({ stopped: this.stopped !== undefined, crashed: this.crashed, paused: this.paused });
  }

  /** Something was published or the bus came back: look for work. */
  notify(): void {
    this.wakeup.notify();
  }

  revoke(): Promise<void> {
    this.slots = [];
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  assign(assignments: PartitionAssignment[]): void {
    this.slots = assignments.map((assignment) => ({ ...assignment, busy: false }));
    this.lag.keepOnly(assignments.map(({ topic, partition }) => ({ topic: topic.spec.name, partition })));
    this.wakeup.notify();
  }

  private async runLane(): Promise<void> {
    try {
      while (!this.stopping.signal.aborted) {
        const slot = this.takeSlot();
        if (slot === undefined) {
          await this.wakeup.wait();
          continue;
        }
        slot.busy = true;
        this.inFlight += 1;
        try {
          await this.deliver(slot);
        } finally {
          slot.busy = false;
          this.inFlight -= 1;
          if (this.inFlight === 0) this.releaseIdleWaiters();
          this.wakeup.notify();
        }
      }
    } catch (err) {
      this.crash(err);
    }
  }

  /**
   * Only a fault of the runner itself gets here (processBatch turns handler errors into
   * results). Like a Kafka consumer that crashed for good, the subscription takes no more
   * records and leaves its group, so other members take its partitions over; health() says so.
   */
  private crash(err: unknown): void {
    if (this.crashed !== undefined) return;
    this.crashed = toCjoError(err, 'bus_consumer_crashed');
    this.stopping.abort();
    this.wakeup.notify();
    try {
      this.deps.logger.error({ err }, 'consumer crashed');
    } catch {
      // The logger may be what failed; health() still reports the crash.
    }
    // The other lanes finish their records first, so no partition changes hands mid-record
    // and no lag is reported after it was cleared.
    void Promise.all(this.lanes).then(() => {
      this.lag.clear();
      return this.leaveGroup();
    });
  }

  private leaveGroup(): Promise<void> {
    this.left ??= this.deps.group.leave(this);
    return this.left;
  }

  private async deliver(slot: Slot): Promise<void> {
    const records = slot.topic.partitions[slot.partition] ?? [];
    const topic = slot.topic.spec.name;
    const messages: IncomingMessage[] = records.slice(slot.offset, slot.offset + this.maxBatchSize).map((record, index) => ({
      topic,
      partition: slot.partition,
      offset: String(slot.offset + index),
      key: record.key,
      value: record.value,
      headers: { ...record.headers },
      timestamp: record.timestamp,
    }));
    if (messages.length === 0) return;
    // Reported before the records too, so a partition stuck on a slow or retried record shows its lag.
    this.lag.report(topic, slot.partition, records.length - slot.offset);
    const done = await processBatch(messages, {
      handler: this.handler,
      groupId: this.deps.options.groupId,
      metrics: this.deps.metrics,
      retry: this.retry,
      publish: this.deps.publish,
      logger: this.deps.logger,
      wait: (ms) => waitInterruptibly(ms, { signal: this.stopping.signal }),
    });
    if (done > 0) {
      slot.offset += done;
      this.deps.group.commit(topic, slot.partition, slot.offset);
      this.lag.report(topic, slot.partition, records.length - slot.offset);
    }
  }

  /** Round-robin over the assigned partitions, so one busy partition does not starve the others. */
  private takeSlot(): Slot | undefined {
    if (this.paused || !this.deps.isAvailable()) return undefined;
    const count = this.slots.length;
    for (let step = 0; step < count; step += 1) {
      const slot = this.slots[(this.nextSlotIndex + step) % count];
      if (slot !== undefined && !slot.busy && slot.offset < (slot.topic.partitions[slot.partition]?.length ?? 0)) {
        this.nextSlotIndex = (this.nextSlotIndex + step + 1) % count;
        return slot;
      }
    }
    return undefined;
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
