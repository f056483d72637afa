import type { Logger } from '@cjo/log';
import { resolveRetryPolicy, waitInterruptibly } from '../backoff';
import { processMessage } from '../process-message';
import type { ConsumeOptions, IncomingMessage, OutgoingMessage, RetryPolicy, Subscription } from '../types';
import type { GroupMember, MemoryGroup, PartitionAssignment } from './memory-group';
import { Wakeup } from './wakeup';

export interface MemorySubscriptionDeps {
  options: ConsumeOptions;
  group: MemoryGroup;
  publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>;
  isAvailable: () => boolean;
  logger: Logger;
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
  private readonly wakeup = new Wakeup();
  private readonly stopping = new AbortController();
  private slots: Slot[] = [];
  private nextSlotIndex = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private paused = false;
  private lanes: Array<Promise<void>> = [];
  private stopped: Promise<void> | undefined;

  constructor(private readonly deps: MemorySubscriptionDeps) {
    this.topics = [...deps.options.topics];
    this.fromBeginning = deps.options.fromBeginning ?? true;
    this.retry = resolveRetryPolicy(deps.options.retry);
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
      await this.deps.group.leave(this);
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
    this.wakeup.notify();
  }

  private async runLane(): Promise<void> {
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
  }

  private async deliver(slot: Slot): Promise<void> {
    const record = slot.topic.partitions[slot.partition]?.[slot.offset];
    if (record === undefined) return;
    const message: IncomingMessage = {
      topic: slot.topic.spec.name,
      partition: slot.partition,
      offset: String(slot.offset),
      key: record.key,
      value: record.value,
      headers: { ...record.headers },
      timestamp: record.timestamp,
    };
    const outcome = await processMessage(message, {
      handler: this.deps.options.handler,
      retry: this.retry,
      publish: this.deps.publish,
      logger: this.deps.logger,
      wait: (ms) => waitInterruptibly(ms, { signal: this.stopping.signal }),
    });
    if (outcome === 'done') {
      slot.offset += 1;
      this.deps.group.commit(message.topic, slot.partition, slot.offset);
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
