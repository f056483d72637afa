import { foldProfile, replayEvents } from '../../src/model/fold-profile';
import { aggregateValue, aggregateId, type AggregateSpec } from '../../src/model/aggregate';
import type { KeyedAggregate } from '../../src/model/profile';
import { parseResolvedEvent, type ProfileEvent } from '../../src/model/profile-event';
import { identify, track } from '../support/events';

const now = Date.parse('2024-06-01T12:00:00.000Z');
const revenue: AggregateSpec = { fn: 'sum', event: 'Order Completed', property: 'total', where: [], windowMs: 7 * 86_400_000 };
const firstOrder: AggregateSpec = { fn: 'first', event: 'Order Completed', property: null, where: [], windowMs: null };
const aggregates: KeyedAggregate[] = [revenue, firstOrder].map((spec) => ({ id: aggregateId(spec), spec }));

function parsed(event: Parameters<typeof parseResolvedEvent>[0]): ProfileEvent {
  const result = parseResolvedEvent(event);
  if (result.type !== 'ok') throw new Error('bad event');
  return result.value;
}

describe('the merge rule', () => {
  const s = 'aaaaaaaa-0000-0000-0000-000000000001';
  const m = 'aaaaaaaa-0000-0000-0000-000000000002';
  const survivorEvents = [
    parsed(identify(s, { plan: 'pro' }, { timestamp: now - 5000, userId: 'u-1' })),
    parsed(track(s, 'Order Completed', { total: 30 }, { timestamp: now - 4000, userId: 'u-1' })),
  ];
  const mergedEvents = [
    parsed(identify(m, { plan: 'free', city: 'Oslo' }, { timestamp: now - 1000, userId: null, anonymousId: 'a-1' })),
    parsed(track(m, 'Order Completed', { total: 12 }, { timestamp: now - 9000, userId: null, anonymousId: 'a-1' })),
  ];

  it('keeps the survivor traits, fills gaps from the merged profile, and adds counters and aggregates', () => {
    const survivor = replayEvents(s, survivorEvents, aggregates, now);
    const merged = replayEvents(m, mergedEvents, aggregates, now);
    const changes = foldProfile(survivor, merged, aggregates, []);
    expect(changes).toEqual([{ trait: 'city', oldValueJson: null, newValueJson: '"Oslo"' }]);
    expect(survivor).toMatchObject({ traits: { plan: 'pro', city: 'Oslo' }, eventCount: 4, firstSeen: now - 9000, lastSeen: now - 1000 });
    expect(aggregateValue(revenue, survivor.computed[aggregates[0]?.id ?? ''], now)).toBe(42);
    expect(aggregateValue(firstOrder, survivor.computed[aggregates[1]?.id ?? ''], now)).toBe(new Date(now - 9000).toISOString());
    expect(survivor.identifiers).toEqual([
      { type: 'userId', value: 'u-1' },
      { type: 'anonymousId', value: 'a-1' },
    ]);
  });

  it('gives the same counters and aggregates whether the merged events came before the merge or after it', () => {
    const beforeMerge = replayEvents(s, survivorEvents, aggregates, now);
    foldProfile(beforeMerge, replayEvents(m, mergedEvents, aggregates, now), aggregates, []);
    const afterMerge = replayEvents(s, [...survivorEvents, ...mergedEvents], aggregates, now);
    expect(afterMerge.eventCount).toBe(beforeMerge.eventCount);
    expect([afterMerge.firstSeen, afterMerge.lastSeen]).toEqual([beforeMerge.firstSeen, beforeMerge.lastSeen]);
    for (const { id, spec } of aggregates) {
      expect(aggregateValue(spec, afterMerge.computed[id], now)).toEqual(aggregateValue(spec, beforeMerge.computed[id], now));
    }
  });

  it('counts an event both profiles held once', () => {
    const shared = parsed(track(s, 'Order Completed', { total: 100 }, { timestamp: now - 2000, userId: 'u-1' }));
    const survivor = replayEvents(s, [...survivorEvents, shared], aggregates, now);
    const merged = replayEvents(m, [...mergedEvents, shared], aggregates, now);
    foldProfile(survivor, merged, aggregates, [shared]);
    expect(survivor.eventCount).toBe(5);
    expect(aggregateValue(revenue, survivor.computed[aggregates[0]?.id ?? ''], now)).toBe(142);
  });
});
