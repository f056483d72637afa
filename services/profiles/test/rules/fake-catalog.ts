import { aggregateId, type AggregateSpec } from '../../src/model/aggregate';
import type { ValueType } from '../../src/model/json-values';
import type { RuleCatalog } from '../../src/rules/rule-catalog';

const DAY = 24 * 60 * 60 * 1000;

/** A catalog that knows a few traits, events and one computed trait, as rule validation sees them. */
export function fakeCatalog(overrides: Partial<RuleCatalog> = {}): RuleCatalog {
  const traits: Record<string, ValueType[]> = {
    plan: ['string'],
    age: ['number'],
    signup: ['string', 'date'],
    tags: ['array'],
    address: ['object'],
    vip: ['boolean'],
  };
  const groupTraits: Record<string, ValueType[]> = { tier: ['string'], seats: ['number'] };
  const properties: Record<string, Record<string, ValueType[]>> = {
    'Order Completed': { total: ['number'], currency: ['string'] },
    $page: { path: ['string'] },
  };
  const revenue: AggregateSpec = { fn: 'sum', event: 'Order Completed', property: 'total', where: [], windowMs: null };
  return {
    allowUnknown: false,
    maxWindowMs: 90 * DAY,
    traitTypes: (entity, name) => (entity === 'profile' ? traits : groupTraits)[name],
    traitNames: (entity) => Object.keys(entity === 'profile' ? traits : groupTraits),
    eventSeen: (event) => event in properties,
    eventNames: () => Object.keys(properties),
    propertyTypes: (event, property) => properties[event]?.[property],
    propertyNames: (event) => Object.keys(properties[event] ?? {}),
    computedTrait: (name) => (name === 'revenue' ? { aggregateId: aggregateId(revenue), spec: revenue, valueTypes: ['number'] } : undefined),
    computedTraitNames: () => ['revenue'],
    ...overrides,
  };
}
