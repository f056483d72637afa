import { randomUUID } from 'node:crypto';
import { attempt, ok, publishRecords, toHandlerResult, type Bus, type HandlerResult, type StepResult, type TopicCodec } from '@cjo/bus';
import type { DecisionRequested, ResolvedEvent } from '@cjo/contract';
import type { JourneyCache } from './journey-cache';
import { buildDecisionRequest } from './steps/build-decision-request';
import { buildTriggerContext } from './steps/build-trigger-context';
import { selectJourneys } from './steps/select-journeys';
import { triggerEventName } from './steps/trigger-event-name';
import type { JourneyStore } from './store';

export interface ResolvedEventHandlerDeps {
  store: JourneyStore;
  cache: JourneyCache;
  bus: Bus;
  decisionRequests: TopicCodec<DecisionRequested>;
  now: () => number;
}

export function createResolvedEventHandler(deps: ResolvedEventHandlerDeps): (event: ResolvedEvent) => Promise<HandlerResult> {
  return async (event) => toHandlerResult(await handle(deps, event));
}

async function handle(deps: ResolvedEventHandlerDeps, event: ResolvedEvent): Promise<StepResult<DecisionRequested[]>> {
  const eventName = triggerEventName(event);
  if (eventName.type !== 'ok') return eventName;

  const candidates = await attempt(() => deps.cache.activeFor(eventName.value));
  if (candidates.type !== 'ok') return candidates;

  const journeys = selectJourneys(eventName.value, candidates.value);
  if (journeys.type !== 'ok') return journeys;

  const context = buildTriggerContext(event, eventName.value);
  if (context.type !== 'ok') return context;

  const requests: DecisionRequested[] = [];
  for (const journey of journeys.value) {
    const instance = await attempt(() =>
      deps.store.startInstance({
        id: randomUUID(),
        journeyId: journey.id,
        profileId: event.profileId,
        triggerMessageId: event.messageId,
        createdAt: new Date(deps.now()),
      }),
    );
    if (instance.type !== 'ok') return instance;
    requests.push(buildDecisionRequest(journey, instance.value, context.value));
  }

  // Published even when the instance already existed: the earlier run may have crashed before publishing,
  // and decisioning dedupes by requestId.
  const published = await attempt(() =>
    publishRecords(
      deps.bus,
      deps.decisionRequests,
      requests.map((request) => ({ key: request.profileId, value: request })),
    ),
  );
  if (published.type !== 'ok') return published;
  return ok(requests);
}
