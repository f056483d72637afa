import { uniqueName, waitFor } from '@cjo/testkit';
import { type Bus, dlqTopicOf } from '../src';
import type { BusContractHooks } from './bus-contract';

export interface BusFixture {
  /** The bus of the running test (a new one per test; closed after it). */
  bus(): Bus;
  /** A new topic of `partitions` partitions with its DLQ twin, deleted after the suite. */
  newTopic(partitions: number): Promise<string>;
  until(condition: () => boolean, message: string): Promise<true>;
}

/** Registers the per-test bus, its closing and the topic clean-up of a contract suite; call inside its describe(). */
export function busFixture(makeBus: () => Bus, hooks: BusContractHooks, topicPrefix: string): BusFixture {
  const timeoutMs = hooks.timeoutMs ?? 15_000;
  const openBuses: Bus[] = [];
  const createdTopics: string[] = [];
  let current: Bus | undefined;

  beforeEach(() => {
    current = makeBus();
    openBuses.push(current);
  });

  afterEach(async () => {
    // close() stops every subscription the test left running.
    await Promise.all(openBuses.splice(0).map((open) => open.close()));
  });

  afterAll(async () => {
    if (hooks.deleteTopics !== undefined && createdTopics.length > 0) await hooks.deleteTopics(createdTopics.splice(0));
  });

  const bus = (): Bus => {
    if (current === undefined) throw new Error('busFixture: no bus outside a test');
    return current;
  };

  return {
    bus,
    async newTopic(partitions) {
      const topic = uniqueName(topicPrefix);
      createdTopics.push(topic, dlqTopicOf(topic));
      await bus().ensureTopics([{ name: topic, partitions, cleanupPolicy: 'delete', retentionMs: 3_600_000 }]);
      return topic;
    },
    until: (condition, message) => waitFor(() => condition() || undefined, { timeoutMs, intervalMs: 20, message }),
  };
}
