import type { DecisionRequested } from '@cjo/contract';
import type { Journey, JourneyInstance } from '../journey';
import type { TriggerContext } from './build-trigger-context';

/**
 * Everything is derived from the instance, so a redelivered trigger event
 * (same instance) produces the same request and decisioning can dedupe it.
 */
export function buildDecisionRequest(journey: Journey, instance: JourneyInstance, context: TriggerContext): DecisionRequested {
  return {
    requestId: `${instance.id}:action`,
    journeyId: journey.id,
    instanceId: instance.id,
    profileId: instance.profileId,
    triggerMessageId: instance.triggerMessageId,
    channel: journey.action.channel,
    candidates: [{ contentId: `${journey.id}:action`, destination: journey.action.url, template: journey.action.template }],
    contextJson: JSON.stringify(context),
    requestedAt: instance.createdAt.getTime(),
  };
}
