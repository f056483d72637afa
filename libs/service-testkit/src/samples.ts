import type { Decision, RawEvent, ResolvedEvent } from '@cjo/contract';

// One story across the samples: user-1 (profile-1, trait firstName Ada) completes an order of 42, and
// a journey decides to thank them by webhook. Tests override only the fields they are about.

export function sampleRawEvent(overrides: Partial<RawEvent> = {}): RawEvent {
  return {
    messageId: 'message-1',
    type: 'track',
    sourceId: 'source-1',
    userId: 'user-1',
    anonymousId: null,
    event: 'Order Completed',
    name: null,
    previousId: null,
    groupId: null,
    propertiesJson: '{"total":42}',
    traitsJson: '{"firstName":"Ada"}',
    contextJson: '{}',
    integrationsJson: '{}',
    timestamp: 1_700_000_000_000,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: 1_700_000_000_100,
    ...overrides,
  };
}

export function sampleResolvedEvent(overrides: Partial<ResolvedEvent> = {}): ResolvedEvent {
  return { profileId: 'profile-1', ...sampleRawEvent(), ...overrides };
}

export function sampleDecision(overrides: Partial<Decision> = {}): Decision {
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
