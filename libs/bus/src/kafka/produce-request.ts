import type { OutgoingMessage } from '../types';

/** One topic's records in a produce request, in the order they were published. */
export interface TopicBatch {
  topic: string;
  messages: OutgoingMessage[];
}

/** How large one combined produce request may grow; a single publish above either bound still goes, alone. */
export interface RequestLimits {
  maxMessages: number;
  /**
   * Estimated bytes (see recordBytes): the broker refuses a record batch above max.message.bytes
   * (1 MiB by default).
   */
  maxBytes: number;
}

/** What a queued publish needs for request building; the batcher adds its promise callbacks. */
export interface QueuedPublish {
  topic: string;
  messages: OutgoingMessage[];
  bytes: number;
}

// A record's framing in a v2 record batch is at most ~20 bytes; rounding up keeps the estimate on the safe side.
const RECORD_OVERHEAD_BYTES = 32;

/** An upper estimate of what the records take in a record batch, before compression. */
export function recordBytes(messages: readonly OutgoingMessage[]): number {
  let total = 0;
  for (const message of messages) {
    total += RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.key) + message.value.length;
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      total += Buffer.byteLength(name) + Buffer.byteLength(value);
    }
  }
  return total;
}

/**
 * Removes from the front of the queue the publishes the next request carries: always the first,
 * then the following ones while they fit. It stops at the first that does not fit instead of
 * skipping it, so publishes to a topic leave in the order they came.
 */
export function takeRequest<T extends QueuedPublish>(queue: T[], limits: RequestLimits): T[] {
  let count = 0;
  let messages = 0;
  let bytes = 0;
  for (const next of queue) {
    const fits = messages + next.messages.length <= limits.maxMessages && bytes + next.bytes <= limits.maxBytes;
    if (count > 0 && !fits) break;
    count += 1;
    messages += next.messages.length;
    bytes += next.bytes;
  }
  return queue.splice(0, count);
}

/** Groups a request's publishes by topic (first appearance first), keeping each topic's records in order. */
export function toTopicBatches(publishes: readonly QueuedPublish[]): TopicBatch[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const publish of publishes) {
    const messages = byTopic.get(publish.topic);
    if (messages === undefined) byTopic.set(publish.topic, [...publish.messages]);
    else messages.push(...publish.messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
