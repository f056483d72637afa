import { CjoError } from '@cjo/errors';
import { dlq, ok, type StepResult } from '@cjo/bus';
import type { ResolvedEvent } from '@cjo/contract';
import type { Traits } from '../traits';

function isPlainObject(value: unknown): value is Traits {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only `identify` events set traits; every other type leaves them alone. */
export function parseTraits(event: Pick<ResolvedEvent, 'type' | 'traitsJson' | 'messageId'>): StepResult<Traits> {
  if (event.type !== 'identify') return ok({});
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.traitsJson);
  } catch (err) {
    return dlq(new CjoError('invalid_traits', `traitsJson of message ${event.messageId} is not JSON`, { cause: err }));
  }
  if (!isPlainObject(parsed)) {
    return dlq(new CjoError('invalid_traits', `traitsJson of message ${event.messageId} is not a JSON object`));
  }
  return ok(parsed);
}
