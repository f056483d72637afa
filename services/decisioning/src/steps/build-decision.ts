import type { ContentCandidate, Decision, DecisionRequested } from '@cjo/contract';

/** One decision per request: its id is the request id, so a redelivered request maps onto the stored decision. */
export function buildDecision(request: DecisionRequested, content: ContentCandidate, decidedAt: number): Decision {
  return {
    decisionId: request.requestId,
    requestId: request.requestId,
    journeyId: request.journeyId,
    instanceId: request.instanceId,
    profileId: request.profileId,
    channel: request.channel,
    contentId: content.contentId,
    destination: content.destination,
    template: content.template,
    contextJson: request.contextJson,
    decidedAt,
  };
}
