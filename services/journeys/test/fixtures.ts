import type { Journey } from '../src/journey';

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
