import { ok, type StepResult } from '@cjo/bus';
import { MAX_EVENT_BYTES } from '../limits';
import { reject } from '../rejection';
import type { Call } from './list-calls';

/** All or nothing: one event over the limit refuses the whole request, naming the event. */
export function checkSizes(calls: Call[]): StepResult<Call[]> {
  const tooLarge = calls.find((call) => call.sizeBytes > MAX_EVENT_BYTES);
  if (tooLarge === undefined) return ok(calls);
  return reject(
    400,
    'event_too_large',
    `${tooLarge.where ?? 'the event'} is ${tooLarge.sizeBytes} bytes; the limit is ${MAX_EVENT_BYTES} bytes per event`,
  );
}
