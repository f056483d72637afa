import { attempt, ok, publishRecords, toHandlerResult, type Bus, type HandlerResult, type StepResult, type TopicCodec } from '@cjo/bus';
import type { Decision, DecisionRequested } from '@cjo/contract';
import { buildDecision } from './steps/build-decision';
import { pickContent } from './steps/pick-content';
import type { DecisionStore } from './store';

export interface DecisionRequestHandlerDeps {
  store: DecisionStore;
  bus: Bus;
  decisions: TopicCodec<Decision>;
  now: () => number;
}

export function createDecisionRequestHandler(
  deps: DecisionRequestHandlerDeps,
): (request: DecisionRequested) => Promise<HandlerResult> {
  return async (request) => toHandlerResult(await handle(deps, request));
}

async function handle(deps: DecisionRequestHandlerDeps, request: DecisionRequested): Promise<StepResult<Decision>> {
  const content = pickContent(request);
  if (content.type !== 'ok') return content;

  // A redelivered request finds the decision stored the first time and publishes that one again.
  const decision = await attempt(() => deps.store.recordDecision(buildDecision(request, content.value, deps.now())));
  if (decision.type !== 'ok') return decision;

  const published = await attempt(() =>
    publishRecords(deps.bus, deps.decisions, [{ key: decision.value.profileId, value: decision.value }]),
  );
  if (published.type !== 'ok') return published;
  return decision;
}
