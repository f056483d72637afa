import type { AggregateSpec } from '../model/aggregate';
import type { ValueType } from '../model/json-values';

export type TraitEntity = 'profile' | 'group';

export interface ComputedTraitRef {
  aggregateId: string;
  spec: AggregateSpec;
  /** Types its value can have; null when they cannot be told (first/last of a property never seen). */
  valueTypes: ValueType[] | null;
}

/**
 * What rule validation knows about the data: the traits, events and properties seen so far (with
 * the types their values had) and the computed traits defined. `allowUnknown` accepts references
 * to names not seen yet (defining a segment ahead of its data); shapes and operators are still checked.
 */
export interface RuleCatalog {
  allowUnknown: boolean;
  /** Longest window a rule may use: the event history kept (windows are backfilled from it). */
  maxWindowMs: number;
  traitTypes(entity: TraitEntity, name: string): ValueType[] | undefined;
  traitNames(entity: TraitEntity): string[];
  eventSeen(event: string): boolean;
  eventNames(): string[];
  propertyTypes(event: string, property: string): ValueType[] | undefined;
  propertyNames(event: string): string[];
  computedTrait(name: string): ComputedTraitRef | undefined;
  computedTraitNames(): string[];
}
