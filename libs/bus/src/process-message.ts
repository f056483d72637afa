import { CjoError, toCjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import { backoffDelay } from './backoff';
import type { BusMetrics, ProcessedResult } from './bus-metrics';
import { dlqRecordOf } from './dlq';
import { fromError, toHandlerResult } from './pipeline';
import type {
  BatchMessageHandler,
  ConsumeOptions,
  HandlerResult,
  IncomingMessage,
  MessageHandler,
  OutgoingMessage,
  RetryPolicy,
} from './types';

/** Most records per batch handler call when the subscription does not say. */
export const DEFAULT_MAX_BATCH_SIZE = 500;

interface RunnerContext {
  /** The consumer group running the handler; labels the metrics. */
  groupId: string;
  metrics: BusMetrics;
  retry: RetryPolicy;
  publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>;
  /** Waits between attempts; false means give the record up now (stopping, or the partition is moving). */
  wait: (ms: number) => Promise<boolean>;
  logger: Logger;
  random?: () => number;
}

export interface ProcessContext extends RunnerContext {
  handler: MessageHandler;
}

export interface BatchProcessContext extends RunnerContext {
  handler: BatchMessageHandler;
}

/**
 * done: the record is finished (handled, dropped or on the DLQ) and may be committed.
 * abandoned: it is not finished and must not be committed, so it is delivered again.
 */
export type ProcessOutcome = 'done' | 'abandoned';

/** A subscription's handler in batch form, and how many records one call takes (1 for a per-record handler). */
export function batchHandlerOf(options: ConsumeOptions): { handler: BatchMessageHandler; maxBatchSize: number } {
  if (options.batchHandler !== undefined) {
    return { handler: options.batchHandler, maxBatchSize: Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE) };
  }
  return { handler: asBatchHandler(options.handler), maxBatchSize: 1 };
}

function asBatchHandler(handler: MessageHandler): BatchMessageHandler {
  return async (messages) => Promise.all(messages.map((message) => handler(message)));
}

/** One record through a per-record handler: a batch of one. */
export async function processMessage(message: IncomingMessage, context: ProcessContext): Promise<ProcessOutcome> {
  const done = await processBatch([message], { ...context, handler: asBatchHandler(context.handler) });
  return done === 1 ? 'done' : 'abandoned';
}

/** A batch handler must return one result per record; anything else is a bug in it, never worth a retry. */
export function batchResultMismatch(results: number, records: number): CjoError {
  return new CjoError('bus_batch_result_mismatch', `the batch handler returned ${results} results for ${records} records`);
}

type HandlerRun = { type: 'results'; results: HandlerResult[] } | { type: 'threw'; error: CjoError };

/**
 * The one place that acts on handler results; both bus implementations run every record through it.
 * Returns how many records, from the first, are finished (handled, dropped or on the DLQ) and may be
 * committed; the rest were abandoned (stopping, or the partition is moving) and are delivered again.
 *
 * Results are acted on in order. At the first `retry`, the records before it are finished and the
 * handler runs again, after a backoff, from that record on: results after a retry may depend on it,
 * so they are not trusted. When its attempts are spent the record goes to the DLQ and the handler
 * runs again from the next one. A handler that throws a retriable CjoError retries the whole batch;
 * one that throws anything else (or returns the wrong number of results) has its records run one at
 * a time, so that only the poison record ends up on the DLQ.
 */
export async function processBatch(messages: IncomingMessage[], context: BatchProcessContext): Promise<number> {
  let done = 0;
  // Attempts made on messages[done].
  let attempt = 1;
  while (done < messages.length) {
    const pending = messages.slice(done);
    const run = await runHandler(context, pending);
    if (run.type === 'threw' && !run.error.retriable && pending.length > 1) {
      return done + (await processOneByOne(pending, context));
    }
    const results = run.type === 'results' ? run.results : [toHandlerResult(fromError(run.error))];
    for (const [index, result] of results.entries()) {
      const message = pending[index];
      if (message === undefined) break;
      if (result.type === 'ok' || result.type === 'drop') {
        if (result.type === 'drop') context.logger.debug({ ...where(message), reason: result.reason }, 'record dropped');
        finished(context, message, result.type);
        done += 1;
        attempt = 1;
        continue;
      }
      if (result.type === 'dlq') {
        if ((await parkOnDlq(message, result.error, attempt, context)) === 'abandoned') return done;
        done += 1;
        attempt = 1;
        continue;
      }
      if (attempt >= context.retry.maxAttempts) {
        context.logger.warn({ ...where(message), code: result.error.code, attempts: attempt }, 'retries exhausted');
        if ((await parkOnDlq(message, result.error, attempt, context)) === 'abandoned') return done;
        done += 1;
        attempt = 1;
        break;
      }
      const delay = backoffDelay(attempt, context.retry, context.random);
      context.logger.debug({ ...where(message), code: result.error.code, attempt, delay }, 'retrying record');
      context.metrics.retried(message.topic, context.groupId);
      if (!(await context.wait(delay))) return done;
      attempt += 1;
      break;
    }
  }
  return done;
}

async function processOneByOne(messages: IncomingMessage[], context: BatchProcessContext): Promise<number> {
  let done = 0;
  for (const message of messages) {
    if ((await processBatch([message], context)) === 0) return done;
    done += 1;
  }
  return done;
}

async function runHandler(context: BatchProcessContext, messages: IncomingMessage[]): Promise<HandlerRun> {
  const topic = messages[0]?.topic ?? '';
  const started = performance.now();
  try {
    const results = await context.handler(messages);
    if (results.length !== messages.length) {
      return { type: 'threw', error: batchResultMismatch(results.length, messages.length) };
    }
    return { type: 'results', results };
  } catch (err) {
    // A throwing handler must not reach the Kafka client, which would re-run it in a crash loop.
    return { type: 'threw', error: toCjoError(err) };
  } finally {
    context.metrics.handlerFinished(topic, context.groupId, (performance.now() - started) / 1000);
  }
}

function finished(context: RunnerContext, message: IncomingMessage, result: ProcessedResult): void {
  context.metrics.processed(message.topic, context.groupId, result);
}

async function parkOnDlq(
  message: IncomingMessage,
  error: CjoError,
  attempts: number,
  context: RunnerContext,
): Promise<ProcessOutcome> {
  if ((await sendToDlq(message, error, attempts, context)) === 'abandoned') return 'abandoned';
  finished(context, message, 'dlq');
  return 'done';
}

/**
 * A record that could not be parked on the DLQ must not be committed either, or it would
 * be lost; the publish is retried until it succeeds or the consumer stops.
 */
async function sendToDlq(
  message: IncomingMessage,
  error: CjoError,
  attempts: number,
  context: RunnerContext,
): Promise<ProcessOutcome> {
  const record = dlqRecordOf(message, error, attempts);
  for (let publishAttempt = 1; ; publishAttempt += 1) {
    try {
      await context.publish(record.topic, [record.message]);
      context.metrics.dlqPublished(message.topic);
      context.logger.warn({ ...where(message), code: error.code, err: error, attempts }, 'record sent to DLQ');
      return 'done';
    } catch (publishError) {
      context.logger.error({ ...where(message), err: publishError, publishAttempt }, 'DLQ publish failed');
      const delay = backoffDelay(publishAttempt, context.retry, context.random);
      if (!(await context.wait(delay))) return 'abandoned';
    }
  }
}

function where(message: IncomingMessage): { topic: string; partition: number; offset: string } {
  return { topic: message.topic, partition: message.partition, offset: message.offset };
}
