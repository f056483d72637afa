import { ok, type StepResult } from '@cjo/bus';
import { MAX_EVENT_BYTES } from '../limits';
import { reject } from '../rejection';
import type { Call } from './list-calls';

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * All or nothing: one event over the limit refuses the whole request, naming the event. A single
 * call's size is its body's; a batch item's is its JSON. A body within the limit cannot hold an
 * event over it, so only larger batches are measured item by item.
 */
export function checkSizes(calls: Call[], bodyBytes: number | undefined): StepResult<Call[]> {
  if (bodyBytes !== undefined && bodyBytes <= MAX_EVENT_BYTES) return ok(calls);
  for (const call of calls) {
    const sizeBytes = call.where === null && bodyBytes !== undefined ? bodyBytes : jsonBytes(call.fields);
    if (sizeBytes > MAX_EVENT_BYTES) {
      return reject(
        400,
        'event_too_large',
        `${call.where ?? 'the event'} is ${sizeBytes} bytes; the limit is ${MAX_EVENT_BYTES} bytes per event`,
      );
    }
  }
  return ok(calls);
}
