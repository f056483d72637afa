import {
  AGGREGATE_FUNCTIONS,
  addOccurrence,
  aggregateValue,
  combineStates,
  nextExpiry,
  occurrenceOf,
  pruneState,
  removeOccurrence,
  type AggregatedEvent,
  type AggregateSpec,
  type AggregateState,
} from '../../src/model/aggregate';
import { bucketSizeFor } from '../../src/model/window';

const HOUR = 3_600_000;
const now = Date.parse('2024-06-01T12:00:00.000Z');
const spec = (overrides: Partial<AggregateSpec>): AggregateSpec => ({
  fn: 'count',
  event: 'Order Completed',
  property: null,
  where: [],
  windowMs: null,
  ...overrides,
});
const order = (total: unknown, time: number, extra: Record<string, unknown> = {}): AggregatedEvent => ({
  eventKey: 'Order Completed',
  properties: { total, ...extra },
  time,
});

function fold(aggregate: AggregateSpec, events: AggregatedEvent[], at = now): AggregateState {
  const state: AggregateState = {};
  for (const event of events) {
    const occurrence = occurrenceOf(aggregate, event);
    if (occurrence !== null) addOccurrence(aggregate, state, occurrence, at);
  }
  return state;
}

describe('aggregates', () => {
  const events = [order(10, now - 3 * HOUR), order(25, now - 2 * HOUR), order('n/a', now - HOUR), order(5, now - 60_000)];

  it.each([
    ['count', null, 4],
    ['count', 'total', 4],
    ['sum', 'total', 40],
    ['min', 'total', 5],
    ['max', 'total', 25],
    ['avg', 'total', 40 / 3],
    ['first', 'total', 10],
    ['last', 'total', 5],
    ['first', null, new Date(now - 3 * HOUR).toISOString()],
    ['last', null, new Date(now - 60_000).toISOString()],
  ] as const)('%s of %s', (fn, property, expected) => {
    const aggregate = spec({ fn, property });
    expect(aggregateValue(aggregate, fold(aggregate, events), now)).toEqual(expected);
  });

  it('has 0 for counts and sums and null for the others when nothing happened', () => {
    expect(AGGREGATE_FUNCTIONS.map((fn) => aggregateValue(spec({ fn, property: 'total' }), {}, now))).toEqual([
      0, 0, null, null, null, null, null,
    ]);
  });

  it('counts only the events of its name that pass its filters', () => {
    const aggregate = spec({ where: [{ property: 'currency', op: 'eq', value: 'EUR' }] });
    const state = fold(aggregate, [order(1, now, { currency: 'EUR' }), order(2, now, { currency: 'USD' }), { eventKey: 'Refund', properties: { currency: 'EUR' }, time: now }]);
    expect(aggregateValue(aggregate, state, now)).toBe(1);
    const any = spec({ event: '$any' });
    expect(aggregateValue(any, fold(any, [order(1, now), { eventKey: '$page', properties: {}, time: now }]), now)).toBe(2);
  });

  it('slides: buckets that left the window stop counting, are pruned, and set the next expiry', () => {
    const aggregate = spec({ windowMs: 2.5 * HOUR });
    const state = fold(aggregate, events);
    // The event 3 h ago was already outside the window when it was added.
    expect(aggregateValue(aggregate, state, now)).toBe(3);
    const bucket = bucketSizeFor(2.5 * HOUR);
    const oldest = Math.floor((now - 2 * HOUR) / bucket) * bucket;
    expect(nextExpiry(aggregate, state)).toBe(oldest + bucket + 2.5 * HOUR);
    const later = now + HOUR;
    expect(aggregateValue(aggregate, state, later)).toBe(2);
    expect(pruneState(aggregate, state, later)).toBe(true);
    expect(Object.keys(state)).toHaveLength(2);
    expect(pruneState(aggregate, state, later)).toBe(false);
    expect(nextExpiry(spec({}), fold(spec({}), events))).toBeNull();
  });

  it('combines two states as if one had seen all the events, and takes a duplicate back out', () => {
    for (const fn of ['count', 'sum', 'min', 'max', 'avg', 'first', 'last'] as const) {
      const aggregate = spec({ fn, property: 'total', windowMs: 24 * HOUR });
      const [a, b] = [fold(aggregate, events.slice(0, 2)), fold(aggregate, events.slice(2))];
      combineStates(a, b);
      expect(aggregateValue(aggregate, a, now)).toEqual(aggregateValue(aggregate, fold(aggregate, events), now));
    }
    const sum = spec({ fn: 'sum', property: 'total' });
    const twice = order(25, now - 2 * HOUR);
    const doubled = fold(sum, [...events, twice]);
    const duplicate = occurrenceOf(sum, twice);
    if (duplicate !== null) removeOccurrence(sum, doubled, duplicate);
    expect(aggregateValue(sum, doubled, now)).toBe(40);
  });
});
