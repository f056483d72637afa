import type { Decision } from '@cjo/contract';

export function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    decisionId: 'instance-1:action',
    requestId: 'instance-1:action',
    journeyId: 'journey-1',
    instanceId: 'instance-1',
    profileId: 'profile-1',
    channel: 'webhook',
    contentId: 'journey-1:action',
    destination: 'http://127.0.0.1:1/hook',
    template: 'Thanks {{ profile.traits.firstName }} for {{ event.properties.total }}',
    contextJson: JSON.stringify({
      event: { name: 'Order Completed', properties: { total: 42 }, messageId: 'message-1', timestamp: 1 },
      profile: { id: 'profile-1', traits: { firstName: 'Ada' } },
    }),
    decidedAt: 1_700_000_000_000,
    ...overrides,
  };
}
