import { drop, ok, type StepResult } from '@cjo/bus';
import type { ResolvedEvent } from '@cjo/contract';

/** Only named `track` events can trigger a journey; everything else is none of our business. */
export function triggerEventName(event: ResolvedEvent): StepResult<string> {
  if (event.type !== 'track') return drop(`not a track event (${event.type})`);
  if (event.event === null || event.event === '') return drop('track event without a name');
  return ok(event.event);
}
