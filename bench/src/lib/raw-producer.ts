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
}

export interface RawProducerResult {
  /** The run's length: acknowledgements after it are not counted, as autocannon does not count responses after its phase. */
  seconds: number;
  /** Sends acknowledged within the run. */
  sends: number;
  events: number;
  /** Events of sends started within the run and acknowledged after it (on the topic, not in the rate). */
  lateEvents: number;
  errors: number;
  firstError: string | undefined;
  /** Per send (build + encode + send until acknowledged). */
  latency: LatencySummary;
  /** Every acknowledged send's latency in ms, kept so that runs can be combined with percentiles over all their sends. */
  sendMs: number[];
}

/** The baseline producer, connected once so that a warm-up warms the producer the measured runs use. */
export interface RawProducer {
  /** Sends as fast as it can for `seconds`. */
  run(seconds: number): Promise<RawProducerResult>;
  disconnect(): Promise<void>;
}

function summary(sendMs: readonly number[]): LatencySummary {
  const latencies = new Latencies();
  for (const value of sendMs) latencies.add(value);
  return latencies.summary();
}

/**
 * The baseline: a plain kafkajs producer with the settings the platform's bus
 * uses (acks=-1, idempotent, one request in flight per broker, the default
 * partitioner) sending the same Avro single-object encoded RawEvents, keyed by
 * user id, as fast as it can with `concurrency` sends of `eventsPerSend` events in flight.
 * A run counts what was acknowledged by its deadline, over its length, as the HTTP phases do (autocannon
 * drops the responses still due when its duration ends): both sides then start with nothing in flight and
 * lose what is in flight at the end alike. Sends still in flight at the deadline are awaited and reported
 * as late, so the topic's count can be checked.
 */
export async function connectRawProducer(options: RawProducerOptions): Promise<RawProducer> {
  const producer = await connectProducer(kafkaClient(options.brokers, 'cjo-bench-raw'));
  const runId = randomBytes(6).toString('hex');
  let sequence = 0;

  const run = async (seconds: number): Promise<RawProducerResult> => {
    const sendMs: number[] = [];
    let lateSends = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const deadline = started + seconds * 1000;

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
          const ackedAt = performance.now();
          if (ackedAt <= deadline) sendMs.push(ackedAt - sendStarted);
          else lateSends += 1;
        } catch (err) {
          errors += 1;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    };

    await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
    const sends = sendMs.length;
    return {
      seconds,
      sends,
      events: sends * options.eventsPerSend,
      lateEvents: lateSends * options.eventsPerSend,
      errors,
      firstError,
      latency: summary(sendMs),
      sendMs,
    };
  };

  return { run, disconnect: () => producer.disconnect() };
}

/** Runs taken together: their sums, and latency percentiles over every send of every run. */
export function combineRuns(runs: readonly RawProducerResult[]): RawProducerResult {
  const sendMs = runs.flatMap((run) => run.sendMs);
  return {
    seconds: runs.reduce((total, run) => total + run.seconds, 0),
    sends: sendMs.length,
    events: runs.reduce((total, run) => total + run.events, 0),
    lateEvents: runs.reduce((total, run) => total + run.lateEvents, 0),
    errors: runs.reduce((total, run) => total + run.errors, 0),
    firstError: runs.find((run) => run.firstError !== undefined)?.firstError,
    latency: summary(sendMs),
    sendMs,
  };
}
