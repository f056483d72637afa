import { drop, ok, type StepResult } from '@cjo/bus';
import type { Journey } from '../journey';

/** The active journeys whose trigger is this event; none is a normal, quiet outcome. */
export function selectJourneys(eventName: string, candidates: readonly Journey[]): StepResult<Journey[]> {
  const matching = candidates.filter((j) => j.status === 'active' && j.trigger.event === eventName);
  if (matching.length === 0) return drop(`no active journey is triggered by "${eventName}"`);
  return ok(matching);
}
