import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RawEvent } from '@cjo/contract';
import { connectProducer, kafkaClient } from './kafka-tools';
import { rawEventFor } from './payloads';
import { Latencies, type LatencySummary } from './stats';

export interface RawProducerOptions {
  brokers: string[];
  topic: string;
  encode: (event: RawEvent) => Buffer;
  sourceId: string;
  eventsPerSend: number;
  /** Sends in flight at once (each waits for its acknowledgement before the next). */
  concurrency: number;
  seconds: number;
}

export interface RawProducerResult {
  seconds: number;
  sends: number;
  events: number;
  errors: number;
  firstError: string | undefined;
  /** Per send (build + encode + send until acknowledged). */
  latency: LatencySummary;
}

/**
 * The baseline: a plain kafkajs producer with the settings the platform's bus
 * uses (acks=-1, idempotent, one request in flight per broker, the default
 * partitioner) sending the same Avro single-object encoded RawEvents, keyed by
 * user id, as fast as it can with `concurrency` sends of `eventsPerSend` events in flight.
 * Every send started before the deadline is awaited, so all counted events are acknowledged.
 */
export async function runRawProducer(options: RawProducerOptions): Promise<RawProducerResult> {
  const producer = await connectProducer(kafkaClient(options.brokers, 'cjo-bench-raw'));
  const latencies = new Latencies();
  const runId = randomBytes(6).toString('hex');
  let sequence = 0;
  let sends = 0;
  let events = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sendStarted = performance.now();
      const receivedAt = Date.now();
      const messages = [];
      for (let i = 0; i < options.eventsPerSend; i += 1) {
        const id = `raw-${runId}-${sequence}`;
        sequence += 1;
        const userId = `user-${id}`;
        messages.push({ key: userId, value: options.encode(rawEventFor(id, userId, options.sourceId, receivedAt)) });
      }
      try {
        await producer.send({ topic: options.topic, acks: -1, timeout: 5000, messages });
        sends += 1;
        events += messages.length;
        latencies.add(performance.now() - sendStarted);
      } catch (err) {
        errors += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  } finally {
    await producer.disconnect();
  }
  return { seconds: (performance.now() - started) / 1000, sends, events, errors, firstError, latency: latencies.summary() };
}
