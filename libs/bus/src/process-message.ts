import type { CjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import { backoffDelay } from './backoff';
import type { BusMetrics, ProcessedResult } from './bus-metrics';
import { dlqRecordOf } from './dlq';
import { fromError, toHandlerResult } from './pipeline';
import type { HandlerResult, IncomingMessage, MessageHandler, OutgoingMessage, RetryPolicy } from './types';

export interface ProcessContext {
  handler: MessageHandler;
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

/**
 * done: the record is finished (handled, dropped or on the DLQ) and may be committed.
 * abandoned: it is not finished and must not be committed, so it is delivered again.
 */
export type ProcessOutcome = 'done' | 'abandoned';

/** The one place that acts on a HandlerResult; both bus implementations run every record through it. */
export async function processMessage(message: IncomingMessage, context: ProcessContext): Promise<ProcessOutcome> {
  const finished = (result: ProcessedResult): 'done' => {
    context.metrics.processed(message.topic, context.groupId, result);
    return 'done';
  };
  const parkOnDlq = async (error: CjoError, attempts: number): Promise<ProcessOutcome> =>
    (await sendToDlq(message, error, attempts, context)) === 'done' ? finished('dlq') : 'abandoned';
  for (let attempt = 1; ; attempt += 1) {
    const started = performance.now();
    const result = await runHandler(context.handler, message);
    context.metrics.handlerFinished(message.topic, context.groupId, (performance.now() - started) / 1000);
    switch (result.type) {
      case 'ok':
        return finished('ok');
      case 'drop':
        context.logger.debug({ ...where(message), reason: result.reason }, 'record dropped');
        return finished('drop');
      case 'dlq':
        return parkOnDlq(result.error, attempt);
      case 'retry': {
        if (attempt >= context.retry.maxAttempts) {
          context.logger.warn({ ...where(message), code: result.error.code, attempts: attempt }, 'retries exhausted');
          return parkOnDlq(result.error, attempt);
        }
        const delay = backoffDelay(attempt, context.retry, context.random);
        context.logger.debug({ ...where(message), code: result.error.code, attempt, delay }, 'retrying record');
        context.metrics.retried(message.topic, context.groupId);
        if (!(await context.wait(delay))) return 'abandoned';
      }
    }
  }
}

async function runHandler(handler: MessageHandler, message: IncomingMessage): Promise<HandlerResult> {
  try {
    return await handler(message);
  } catch (err) {
    // A throwing handler must not reach the Kafka client, which would re-run it in a crash loop.
    return toHandlerResult(fromError(err));
  }
}

/**
 * A record that could not be parked on the DLQ must not be committed either, or it would
 * be lost; the publish is retried until it succeeds or the consumer stops.
 */
async function sendToDlq(
  message: IncomingMessage,
  error: CjoError,
  attempts: number,
  context: ProcessContext,
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
