import { ANY_EVENT, type AggregateSpec } from '../model/aggregate';
import type { KeyedAggregate } from '../model/profile';
import { checkComputedTrait, computedTraitInputOf } from '../rules/check-computed-trait';
import { checkRule } from '../rules/check-rule';
import { ruleDependencies, type CompiledRule, type RuleDependencies } from '../rules/compiled-rule';
import type { ComputedTraitRef, RuleCatalog } from '../rules/rule-catalog';
import type { ComputedTraitRow, SegmentRow } from '../store/definitions-store';

export interface CompiledSegment {
  id: string;
  name: string;
  version: number;
  rule: CompiledRule;
  deps: RuleDependencies;
}

export interface CatalogComputedTrait {
  id: string;
  name: string;
  aggregateId: string;
  spec: AggregateSpec;
}

/** What a batch changed on a profile, for picking the segments to evaluate again. */
export interface ChangeSet {
  traits: readonly string[];
  aggregates: readonly string[];
  groups: boolean;
  /** Time passed: the segments with relative date conditions. */
  time?: boolean;
}

/**
 * The definitions every instance works with, compiled: segments, computed traits, and the
 * aggregates both are made of. Rebuilt whenever catalog_generation moves.
 */
export interface Catalog {
  generation: number;
  segments: readonly CompiledSegment[];
  segment(id: string): CompiledSegment | undefined;
  computedTraits: readonly CatalogComputedTrait[];
  /** The computed traits whose value is this aggregate. */
  computedTraitsOf(aggregateId: string): readonly CatalogComputedTrait[];
  aggregates: readonly KeyedAggregate[];
  aggregate(id: string): AggregateSpec | undefined;
  /** The aggregates an event with this key can change. */
  aggregatesFor(eventKey: string): readonly KeyedAggregate[];
  /** Segments whose outcome may differ after these changes. */
  segmentsAffectedBy(changes: ChangeSet): CompiledSegment[];
  /** Whether any segment reads group traits (a group's change then re-evaluates its members). */
  readsGroupTraits: boolean;
  /** Whether any segment reads groups at all (the batch then loads them). */
  readsGroups: boolean;
  /** Segments with relative date conditions: time alone moves profiles in and out of them. */
  timedSegments: readonly CompiledSegment[];
}

/** Stored definitions were validated when saved; compiling them again only resolves references. */
function permissiveCatalog(traits: ReadonlyMap<string, ComputedTraitRef>): RuleCatalog {
  return {
    allowUnknown: true,
    maxWindowMs: Number.POSITIVE_INFINITY,
    traitTypes: () => undefined,
    traitNames: () => [],
    eventSeen: () => true,
    eventNames: () => [],
    propertyTypes: () => undefined,
    propertyNames: () => [],
    computedTrait: (name) => traits.get(name),
    computedTraitNames: () => [...traits.keys()],
  };
}

export interface CatalogProblems {
  /** Definitions that no longer compile (they are left out), by id. */
  broken: Array<{ id: string; problems: string[] }>;
}

export function buildCatalog(
  generation: number,
  segmentRows: readonly SegmentRow[],
  traitRows: readonly ComputedTraitRow[],
): Catalog & CatalogProblems {
  const broken: CatalogProblems['broken'] = [];
  const aggregates = new Map<string, AggregateSpec>();
  const refs = new Map<string, ComputedTraitRef>();
  const computedTraits: CatalogComputedTrait[] = [];
  const lenient = permissiveCatalog(refs);
  for (const row of traitRows) {
    const input = computedTraitInputOf(row.definition);
    const checked = input === null ? { ok: false as const, problems: ['the stored definition has the wrong shape'] } : checkComputedTrait(input, lenient);
    if (!checked.ok) {
      broken.push({ id: row.id, problems: checked.problems });
      continue;
    }
    refs.set(row.name, checked);
    aggregates.set(checked.aggregateId, checked.spec);
    computedTraits.push({ id: row.id, name: row.name, aggregateId: checked.aggregateId, spec: checked.spec });
  }
  const segments: CompiledSegment[] = [];
  for (const row of segmentRows) {
    const checked = checkRule(row.rule, lenient);
    if (!checked.ok) {
      broken.push({ id: row.id, problems: checked.problems });
      continue;
    }
    for (const { id, spec } of checked.aggregates) aggregates.set(id, spec);
    segments.push({ id: row.id, name: row.name, version: row.version, rule: checked.rule, deps: ruleDependencies(checked.rule) });
  }

  const keyed: KeyedAggregate[] = [...aggregates].map(([id, spec]) => ({ id, spec }));
  const byEvent = new Map<string, KeyedAggregate[]>();
  const anyEvent = keyed.filter(({ spec }) => spec.event === ANY_EVENT);
  for (const aggregate of keyed) {
    if (aggregate.spec.event === ANY_EVENT) continue;
    const list = byEvent.get(aggregate.spec.event) ?? [...anyEvent];
    list.push(aggregate);
    byEvent.set(aggregate.spec.event, list);
  }
  const byTrait = new Map<string, CompiledSegment[]>();
  const byAggregate = new Map<string, CompiledSegment[]>();
  for (const segment of segments) {
    for (const trait of segment.deps.traits) byTrait.set(trait, [...(byTrait.get(trait) ?? []), segment]);
    for (const aggregate of segment.deps.aggregates) byAggregate.set(aggregate, [...(byAggregate.get(aggregate) ?? []), segment]);
  }
  const groupSegments = segments.filter((segment) => segment.deps.groups);
  const timedSegments = segments.filter((segment) => segment.deps.time);
  const segmentsById = new Map(segments.map((segment) => [segment.id, segment]));
  const traitsByAggregate = new Map<string, CatalogComputedTrait[]>();
  for (const trait of computedTraits) traitsByAggregate.set(trait.aggregateId, [...(traitsByAggregate.get(trait.aggregateId) ?? []), trait]);

  return {
    generation,
    broken,
    segments,
    segment: (id) => segmentsById.get(id),
    computedTraits,
    computedTraitsOf: (aggregateId) => traitsByAggregate.get(aggregateId) ?? [],
    aggregates: keyed,
    aggregate: (id) => aggregates.get(id),
    aggregatesFor: (eventKey) => byEvent.get(eventKey) ?? anyEvent,
    segmentsAffectedBy(changes) {
      const affected = new Set<CompiledSegment>();
      for (const trait of changes.traits) for (const segment of byTrait.get(trait) ?? []) affected.add(segment);
      for (const aggregate of changes.aggregates) for (const segment of byAggregate.get(aggregate) ?? []) affected.add(segment);
      if (changes.groups) for (const segment of groupSegments) affected.add(segment);
      if (changes.time === true) for (const segment of timedSegments) affected.add(segment);
      // Catalog order, so records come out the same way on every instance.
      return segments.filter((segment) => affected.has(segment));
    },
    readsGroupTraits: segments.some((segment) => segment.deps.groupTraits),
    readsGroups: groupSegments.length > 0,
    timedSegments,
  };
}
