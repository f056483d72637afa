import { buildCatalog } from '../../src/catalog/catalog';
import type { ComputedTraitRow, SegmentRow } from '../../src/store/definitions-store';

const segment = (id: string, rule: unknown): SegmentRow => ({ id, name: id, description: null, rule, version: 1, createdAt: 0, updatedAt: 0 });
const trait = (name: string, definition: Record<string, unknown>): ComputedTraitRow => ({
  id: `t-${name}`,
  name,
  description: null,
  definition,
  aggregateId: '',
  version: 1,
  createdAt: 0,
  updatedAt: 0,
});

describe('buildCatalog', () => {
  const catalog = buildCatalog(
    7,
    [
      segment('by-plan', { trait: 'plan', op: 'eq', value: 'pro' }),
      segment('by-orders', { computedTrait: 'orders', op: 'gte', value: 2 }),
      segment('by-pages', { performed: '$page', within: '1h' }),
      segment('by-group', { group: { id: 'acme' } }),
      segment('broken', { computedTrait: 'missing', op: 'gte', value: 1 }),
    ],
    [trait('orders', { function: 'count', event: 'Order Completed' }), trait('visits', { function: 'count', event: '$any' })],
  );
  const ids = (list: ReadonlyArray<{ id: string }>) => list.map((item) => item.id);

  it('compiles stored definitions and leaves out those that no longer compile', () => {
    expect(ids(catalog.segments)).toEqual(['by-plan', 'by-orders', 'by-pages', 'by-group']);
    expect(catalog.broken.map((entry) => entry.id)).toEqual(['broken']);
    expect(catalog.computedTraits.map((entry) => entry.name)).toEqual(['orders', 'visits']);
    expect(catalog).toMatchObject({ generation: 7, readsGroups: true, readsGroupTraits: false });
  });

  it('hands each event the aggregates it can change, $any ones included', () => {
    const orders = catalog.computedTraits[0]?.aggregateId;
    const visits = catalog.computedTraits[1]?.aggregateId;
    expect(ids(catalog.aggregatesFor('Order Completed')).sort()).toEqual([orders, visits].sort());
    expect(ids(catalog.aggregatesFor('Unknown'))).toEqual([visits]);
    expect(catalog.aggregatesFor('$page')).toHaveLength(2);
  });

  it('picks the segments a change can affect', () => {
    const orders = catalog.computedTraits[0]?.aggregateId ?? '';
    expect(ids(catalog.segmentsAffectedBy({ traits: ['plan'], aggregates: [], groups: false }))).toEqual(['by-plan']);
    expect(ids(catalog.segmentsAffectedBy({ traits: ['city'], aggregates: [orders], groups: true }))).toEqual(['by-orders', 'by-group']);
    expect(catalog.segmentsAffectedBy({ traits: [], aggregates: [], groups: false })).toEqual([]);
  });
});
