import type { MemoryBus, OutgoingMessage } from '@cjo/bus';

export interface PublishCall {
  topic: string;
  messages: OutgoingMessage[];
}

export interface RecordingBus extends MemoryBus {
  /** Every publish call the bus acknowledged, in order: what reached the topics, observed synchronously. */
  readonly calls: PublishCall[];
  /** Makes publish wait for `gate` before going on (to hold a request between claim and publish). */
  holdPublishes(gate: Promise<void>): void;
}

/** Wraps a memory bus to see exactly which publish calls succeeded (nothing has to be consumed first). */
export function recordingBus(inner: MemoryBus): RecordingBus {
  const calls: PublishCall[] = [];
  let gate: Promise<void> | undefined;
  return {
    calls,
    holdPublishes(next) {
      gate = next;
    },
    async publish(topic, messages) {
      if (gate !== undefined) await gate;
      await inner.publish(topic, messages);
      calls.push({ topic, messages });
    },
    ensureTopics: (specs) => inner.ensureTopics(specs),
    subscribe: (options) => inner.subscribe(options),
    close: () => inner.close(),
    setAvailable: (available) => inner.setAvailable(available),
  };
}
