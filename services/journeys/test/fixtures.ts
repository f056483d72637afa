import type { ResolvedEvent } from '@cjo/contract';
import type { Journey } from '../src/journey';

export function resolvedEvent(overrides: Partial<ResolvedEvent> = {}): ResolvedEvent {
  return {
    profileId: 'profile-1',
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

export function journey(overrides: Partial<Journey> = {}): Journey {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Thank buyers',
    status: 'active',
    trigger: { event: 'Order Completed' },
    action: { channel: 'webhook', url: 'http://127.0.0.1:1/hook', template: 'Thanks {{ profile.traits.firstName }}' },
    createdAt: new Date(1_700_000_000_000),
    ...overrides,
  };
}
