import { drop, ok, type StepResult } from '@cjo/bus';
import type { ContentCandidate, DecisionRequested } from '@cjo/contract';

/** The walking skeleton offers one candidate per request; later policies choose among several. */
export function pickContent(request: DecisionRequested): StepResult<ContentCandidate> {
  const [first] = request.candidates;
  if (first === undefined) return drop(`decision request ${request.requestId} has no content candidates`);
  return ok(first);
}
