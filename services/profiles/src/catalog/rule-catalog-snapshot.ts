import type { Queryable } from '@cjo/db';
import type { ValueType } from '../model/json-values';
import { valueTypesOf } from '../rules/check-computed-trait';
import type { ComputedTraitRef, RuleCatalog, TraitEntity } from '../rules/rule-catalog';
import { loadObservations } from '../store/observed-store';
import type { Catalog } from './catalog';

/** What admin validation checks a definition against: the data seen so far and the computed traits defined. */
export async function loadRuleCatalog(
  db: Queryable,
  catalog: Catalog,
  options: { allowUnknown: boolean; maxWindowMs: number },
): Promise<RuleCatalog> {
  const observed = await loadObservations(db);
  const traits = new Map<string, ValueType[]>();
  for (const { entity, name, type } of observed.traits) {
    const key = `${entity}\n${name}`;
    traits.set(key, [...(traits.get(key) ?? []), type]);
  }
  const events = new Set<string>();
  const properties = new Map<string, ValueType[]>();
  const propertyNames = new Map<string, string[]>();
  for (const { event, property, type } of observed.properties) {
    events.add(event);
    if (property === '' || type === '') continue;
    const key = `${event}\n${property}`;
    if (!properties.has(key)) propertyNames.set(event, [...(propertyNames.get(event) ?? []), property]);
    properties.set(key, [...(properties.get(key) ?? []), type]);
  }
  const computed = new Map<string, ComputedTraitRef>(
    catalog.computedTraits.map((trait) => [
      trait.name,
      {
        aggregateId: trait.aggregateId,
        spec: trait.spec,
        valueTypes: valueTypesOf(trait.spec, trait.spec.property === null ? undefined : properties.get(`${trait.spec.event}\n${trait.spec.property}`)),
      },
    ]),
  );
  const traitNames = (entity: TraitEntity): string[] =>
    [...traits.keys()].filter((key) => key.startsWith(`${entity}\n`)).map((key) => key.slice(entity.length + 1));
  return {
    allowUnknown: options.allowUnknown,
    maxWindowMs: options.maxWindowMs,
    traitTypes: (entity, name) => traits.get(`${entity}\n${name}`),
    traitNames,
    eventSeen: (event) => events.has(event),
    eventNames: () => [...events],
    propertyTypes: (event, property) => properties.get(`${event}\n${property}`),
    propertyNames: (event) => propertyNames.get(event) ?? [],
    computedTrait: (name) => computed.get(name),
    computedTraitNames: () => [...computed.keys()],
  };
}
