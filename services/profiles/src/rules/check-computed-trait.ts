import { AGGREGATE_FUNCTIONS, ANY_EVENT, NUMERIC_FUNCTIONS, aggregateId, type AggregateFunction, type AggregateSpec } from '../model/aggregate';
import type { ValueType } from '../model/json-values';
import type { Problems } from './check-comparison';
import { checkEventName, checkFilters, checkWindow, typesAtPath } from './check-filters';
import type { ComputedTraitRef, RuleCatalog } from './rule-catalog';
import { hintFor } from './suggest';

/** A computed trait as the admin API takes it (its shape already checked by the route schema). */
export interface ComputedTraitInput {
  function: AggregateFunction;
  event: string;
  property?: string | undefined;
  where?: unknown;
  window?: string | undefined;
}

export type ComputedTraitCheck = ({ ok: true } & ComputedTraitRef) | { ok: false; problems: string[] };

const isFunction = (value: unknown): value is AggregateFunction =>
  typeof value === 'string' && (AGGREGATE_FUNCTIONS as readonly string[]).includes(value);

/** A stored definition read back as input; null when it does not have the shape the API takes. */
export function computedTraitInputOf(definition: Record<string, unknown>): ComputedTraitInput | null {
  const { function: fn, event, property, where, window } = definition;
  if (!isFunction(fn) || typeof event !== 'string') return null;
  if (property !== undefined && typeof property !== 'string') return null;
  if (window !== undefined && typeof window !== 'string') return null;
  return { function: fn, event, property, where, window };
}

export function valueTypesOf(spec: AggregateSpec, propertyTypes: ValueType[] | undefined): ValueType[] | null {
  if (spec.fn === 'first' || spec.fn === 'last') {
    if (spec.property === null) return ['string', 'date'];
    return propertyTypes ?? null;
  }
  return ['number'];
}

export function checkComputedTrait(input: ComputedTraitInput, catalog: RuleCatalog): ComputedTraitCheck {
  const problems: Problems = [];
  const event = checkEventName(input.event, 'event', catalog, problems);
  const property = input.property ?? null;
  let propertyTypes: ValueType[] | undefined;
  if (NUMERIC_FUNCTIONS.includes(input.function) && property === null) {
    problems.push(`property: "${input.function}" needs a property: the number it aggregates (e.g. "revenue")`);
  }
  if (event !== null && property !== null && event !== ANY_EVENT) {
    const seen = typesAtPath((name) => catalog.propertyTypes(event, name), property);
    propertyTypes = seen.types;
    if (!seen.known && !catalog.allowUnknown) {
      problems.push(
        `property: unknown property ${JSON.stringify(property)} of event ${JSON.stringify(event)}` +
          `${hintFor(property, catalog.propertyNames(event))}; pass allowUnknown=true to define it ahead of the data`,
      );
    } else if (
      NUMERIC_FUNCTIONS.includes(input.function) &&
      propertyTypes !== undefined &&
      !propertyTypes.includes('number')
    ) {
      problems.push(
        `property: type mismatch: property "${property}" of "${event}" holds ${propertyTypes.join(' or ')} values; ` +
          `"${input.function}" needs numbers`,
      );
    }
  }
  const where = event === null ? [] : checkFilters(input.where, 'where', event, catalog, problems);
  const windowMs = input.window === undefined ? null : checkWindow(input.window, 'window', catalog, problems);
  if (event === null || problems.length > 0) return { ok: false, problems };
  const spec: AggregateSpec = { fn: input.function, event, property, where, windowMs };
  return { ok: true, aggregateId: aggregateId(spec), spec, valueTypes: valueTypesOf(spec, propertyTypes) };
}
