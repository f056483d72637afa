import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Latencies, type LatencySummary } from './stats';

export function kafkaClient(brokers: string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

/** A producer with the bus's settings: acks from all in-sync replicas, idempotent, one request in flight. */
export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Sends `count` records as fast as acknowledgements allow, `perSend` at a time with `concurrency` sends in flight. */
export async function produceAll(
  producer: Producer,
  topic: string,
  count: number,
  record: (index: number) => { key: string; value: Buffer },
  options: { perSend: number; concurrency: number },
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const messages = [];
      for (let i = 0; i < options.perSend && next < count; i += 1) messages.push(record(next++));
      await producer.send({ topic, acks: -1, timeout: 30_000, messages });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  return (performance.now() - started) / 1000;
}

/** Joins a fresh group on `topic` and resolves once it has its partitions (new records only from then on). */
export async function startConsumer(
  kafka: Kafka,
  options: { groupId: string; topic: string; fromBeginning: boolean; onMessage: (value: Buffer, key: string | null) => void },
): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 50, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning });
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (message.value !== null) options.onMessage(message.value, message.key?.toString() ?? null);
      }
    },
  });
  const deadline = Date.now() + 30_000;
  while (!joined) {
    if (Date.now() > deadline) throw new Error(`consumer ${options.groupId} did not join within 30 s`);
    await sleep(50);
  }
  // A group starting at the latest offsets takes them when it fetches first; give it that moment.
  await sleep(1_000);
  return consumer;
}

/**
 * The raw baseline of a drain: a plain kafkajs consumer reading `count` records of `topic` from the
 * beginning and decoding each (what the service's consumer does before any work), as fast as it can.
 */
export async function drainRaw(kafka: Kafka, topic: string, count: number, decode: (value: Buffer) => unknown): Promise<number> {
  let seen = 0;
  let first: number | undefined;
  let last = 0;
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      first ??= performance.now();
      for (const message of batch.messages) {
        if (message.value !== null) decode(message.value);
        seen += 1;
        resolveOffset(message.offset);
      }
      last = performance.now();
      await heartbeat();
    },
  });
  const deadline = Date.now() + 300_000;
  while (seen < count && Date.now() < deadline) await sleep(50);
  await consumer.disconnect();
  if (seen < count || first === undefined) throw new Error(`raw drain read ${seen} of ${count} records`);
  return count / ((last - first) / 1000);
}

export interface PacedResult {
  sent: number;
  received: number;
  missing: number;
  seconds: number;
  latency: LatencySummary;
  /** Due → `accepted(id)` (e.g. the HTTP 200 of the call), for the records whose acceptance was reported. */
  accepted?: LatencySummary & { count: number };
  /** `sent(id)` (e.g. the request written to the server's socket) → arrival, for the records reported sent. */
  fromSent?: LatencySummary & { count: number };
  /**
   * `accepted(id)` → arrival, for the records reported accepted: the stage after acceptance alone. A record
   * that arrived before its acceptance was reported (the client had not read the answer yet) counts as 0.
   */
  fromAccepted?: LatencySummary & { count: number };
}

/**
 * An open-loop load: record i is due at start + i/rate and is handed to `send` then (in slices of
 * 10 ms), whatever the sends before it are doing. `arrived(id)` is called by whoever watches the
 * output; the latency of record `id` is from when it was due to then. Waits up to `drainMs` for the last.
 */
export function pacedLoad<T>(options: {
  rate: number;
  seconds: number;
  record: (index: number) => { id: string; payload: T };
  send: (payloads: T[]) => Promise<unknown>;
  drainMs: number;
}): { sent(id: string): void; accepted(id: string): void; arrived(id: string): void; run(): Promise<PacedResult> } {
  const dueAt = new Map<string, number>();
  /** Due and not arrived yet. */
  const waiting = new Set<string>();
  const sentAt = new Map<string, number>();
  const acceptedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const latencies = new Latencies();
  const acceptance = new Latencies();
  const sinceSent = new Latencies();
  let received = 0;
  const summary = (values: Latencies) => (values.count > 0 ? { ...values.summary(), count: values.count } : undefined);
  return {
    sent(id) {
      if (waiting.has(id)) sentAt.set(id, performance.now());
    },
    accepted(id) {
      const at = dueAt.get(id);
      if (at === undefined) return;
      const now = performance.now();
      acceptance.add(now - at);
      acceptedAt.set(id, now);
    },
    arrived(id) {
      const at = dueAt.get(id);
      if (at === undefined || !waiting.delete(id)) return;
      const now = performance.now();
      received += 1;
      arrivedAt.set(id, now);
      latencies.add(now - at);
      const sent = sentAt.get(id);
      if (sent !== undefined) sinceSent.add(now - sent);
    },
    async run() {
      const total = Math.round(options.rate * options.seconds);
      const started = performance.now();
      const sends: Array<Promise<unknown>> = [];
      let sent = 0;
      while (sent < total) {
        const now = performance.now();
        const payloads: T[] = [];
        while (sent < total && started + (sent * 1000) / options.rate <= now) {
          const record = options.record(sent);
          dueAt.set(record.id, started + (sent * 1000) / options.rate);
          waiting.add(record.id);
          payloads.push(record.payload);
          sent += 1;
        }
        if (payloads.length > 0) sends.push(options.send(payloads));
        await sleep(10);
      }
      await Promise.all(sends);
      const deadline = performance.now() + options.drainMs;
      while (waiting.size > 0 && performance.now() < deadline) await sleep(20);
      const seconds = (performance.now() - started) / 1000;
      const accepted = summary(acceptance);
      const fromSent = summary(sinceSent);
      const sinceAccepted = new Latencies();
      for (const [id, at] of acceptedAt) {
        const arrived = arrivedAt.get(id);
        if (arrived !== undefined) sinceAccepted.add(Math.max(0, arrived - at));
      }
      const fromAccepted = summary(sinceAccepted);
      return {
        sent,
        received,
        missing: waiting.size,
        seconds,
        latency: latencies.summary(),
        ...(accepted ? { accepted } : {}),
        ...(fromSent ? { fromSent } : {}),
        ...(fromAccepted ? { fromAccepted } : {}),
      };
    },
  };
}
