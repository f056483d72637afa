import { performance } from 'node:perf_hooks';
import { CjoError } from '@cjo/errors';
import { createLogger, type Logger } from '@cjo/log';
import { type BusMetrics, noBusMetrics } from '../bus-metrics';
import { withDlqTwins } from '../topic-specs';
import type { Bus, ConsumeOptions, OutgoingMessage, Subscription, TopicSpec } from '../types';
import { MemoryGroup } from './memory-group';
import { MemorySubscription } from './memory-subscription';
import { appendRecord, createMemoryTopic, type MemoryTopic } from './memory-topic';

export interface MemoryBusOptions {
  logger?: Logger;
  /** Where the bus reports its traffic (see createBusMetrics); nothing is recorded when omitted. */
  metrics?: BusMetrics;
}

/** The in-process bus (embedded mode and tests), with the Kafka bus's delivery semantics. */
export interface MemoryBus extends Bus {
  /** false makes publish and ensureTopics reject with a retriable `bus_unavailable` and pauses delivery. */
  setAvailable(available: boolean): void;
}

export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  const logger = (options.logger ?? createLogger({ name: 'memory-bus', level: 'silent' })).child({
    component: 'memory-bus',
  });
  const metrics = options.metrics ?? noBusMetrics;
  const topics = new Map<string, MemoryTopic>();
  const groups = new Map<string, MemoryGroup>();
  const subscriptions = new Set<MemorySubscription>();
  let available = true;
  let closed: Promise<void> | undefined;

  const assertOpen = (): void => {
    if (closed !== undefined) throw new CjoError('bus_closed', 'the bus is closed');
  };

  const assertAvailable = (): void => {
    if (!available) throw new CjoError('bus_unavailable', 'the in-memory bus is set unavailable', { retriable: true });
  };

  const topicNamed = (name: string): MemoryTopic => {
    const topic = topics.get(name);
    if (topic === undefined) throw new CjoError('bus_unknown_topic', `topic ${name} does not exist`);
    return topic;
  };

  const groupNamed = (groupId: string): MemoryGroup => {
    let group = groups.get(groupId);
    if (group === undefined) {
      group = new MemoryGroup((name) => topics.get(name));
      groups.set(groupId, group);
    }
    return group;
  };

  // Subscriptions send DLQ records through this directly, so records finishing while
  // close() drains them still reach the DLQ.
  const send = async (topicName: string, messages: OutgoingMessage[]): Promise<void> => {
    assertAvailable();
    const topic = topicNamed(topicName);
    const now = Date.now();
    for (const message of messages) appendRecord(topic, message, now);
    for (const subscription of subscriptions) {
      if (subscription.topics.includes(topicName)) subscription.notify();
    }
  };

  return {
    async publish(topicName: string, messages: OutgoingMessage[]): Promise<void> {
      assertOpen();
      const started = performance.now();
      await send(topicName, messages);
      metrics.published(topicName, messages.length, (performance.now() - started) / 1000);
    },

    async ensureTopics(specs: TopicSpec[]): Promise<void> {
      assertOpen();
      assertAvailable();
      for (const spec of withDlqTwins(specs)) {
        if (!topics.has(spec.name)) topics.set(spec.name, createMemoryTopic(spec));
      }
    },

    async subscribe(consumeOptions: ConsumeOptions): Promise<Subscription> {
      assertOpen();
      for (const name of consumeOptions.topics) topicNamed(name);
      const subscription = new MemorySubscription({
        options: consumeOptions,
        group: groupNamed(consumeOptions.groupId),
        publish: send,
        isAvailable: () => available,
        logger: logger.child({ groupId: consumeOptions.groupId }),
        metrics,
        onStopped: (stopped) => subscriptions.delete(stopped),
      });
      subscriptions.add(subscription);
      await subscription.start();
      if (closed !== undefined) {
        // close() ran while this one joined its group and may have missed it.
        await subscription.stop();
        throw new CjoError('bus_closed', 'the bus closed while subscribing');
      }
      return subscription;
    },

    setAvailable(value: boolean): void {
      available = value;
      if (value) for (const subscription of subscriptions) subscription.notify();
    },

    close(): Promise<void> {
      closed ??= Promise.all([...subscriptions].map((subscription) => subscription.stop())).then(() => undefined);
      return closed;
    },
  };
}
