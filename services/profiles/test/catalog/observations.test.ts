import { createObservationTracker } from '../../src/catalog/observations';
import { parseResolvedEvent, type ProfileEvent } from '../../src/model/profile-event';
import { group, identify, track } from '../support/events';

function parsed(event: Parameters<typeof parseResolvedEvent>[0]): ProfileEvent {
  const result = parseResolvedEvent(event);
  if (result.type !== 'ok') throw new Error(`unparseable test event: ${result.type}`);
  return result.value;
}

describe('createObservationTracker', () => {
  it('collects each new event, property, trait and type once, and nothing once remembered', () => {
    const tracker = createObservationTracker();
    const events = [
      parsed(track('p-1', 'Order Completed', { total: 12.5, currency: 'EUR' })),
      parsed(track('p-2', 'Order Completed', { total: 30, at: '2026-01-01T00:00:00Z' })),
      parsed(identify('p-1', { plan: 'pro', $setOnce: { firstSeen: '2026-01-02T00:00:00Z' } })),
      parsed(group('p-1', 'g-1', { seats: 5 })),
    ];
    const first = tracker.collect(events);
    expect(first.properties).toEqual(
      expect.arrayContaining([
        { event: 'Order Completed', property: '', type: '' },
        { event: 'Order Completed', property: 'total', type: 'number' },
        { event: 'Order Completed', property: 'currency', type: 'string' },
        // A date string is both: string operators and date operators apply to it.
        { event: 'Order Completed', property: 'at', type: 'string' },
        { event: 'Order Completed', property: 'at', type: 'date' },
      ]),
    );
    expect(first.properties.filter((entry) => entry.property === 'total')).toHaveLength(1);
    expect(first.traits).toEqual(
      expect.arrayContaining([
        { entity: 'profile', name: 'plan', type: 'string' },
        { entity: 'profile', name: 'firstSeen', type: 'string' },
        { entity: 'profile', name: 'firstSeen', type: 'date' },
        { entity: 'group', name: 'seats', type: 'number' },
      ]),
    );
    expect(first.traits).toHaveLength(4);

    tracker.remember(first);
    expect(tracker.collect(events)).toEqual({ traits: [], properties: [] });
    // A new type of a known property is news.
    const later = tracker.collect([parsed(track('p-3', 'Order Completed', { total: 'free' }))]);
    expect(later).toEqual({ traits: [], properties: [{ event: 'Order Completed', property: 'total', type: 'string' }] });
  });
});
