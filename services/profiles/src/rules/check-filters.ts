import { ANY_EVENT, type PropertyFilter } from '../model/aggregate';
import type { ValueType } from '../model/json-values';
import { MIN_WINDOW_MS, formatDuration, parseDuration } from '../model/window';
import { asObject, checkComparison, checkKeys, nonEmptyString, type Problems } from './check-comparison';
import type { RuleCatalog, TraitEntity } from './rule-catalog';
import { hintFor } from './suggest';

/**
 * Types seen under a dotted path: the whole path as one name, else its first part when that held
 * objects (nested values are not catalogued: no type check). undefined: never seen.
 */
export function typesAtPath(
  lookup: (name: string) => ValueType[] | undefined,
  path: string,
): { known: boolean; types: ValueType[] | undefined } {
  const whole = lookup(path);
  if (whole !== undefined) return { known: true, types: whole };
  const head = path.split('.')[0] ?? path;
  const headTypes = head === path ? undefined : lookup(head);
  if (headTypes?.includes('object')) return { known: true, types: undefined };
  return { known: false, types: undefined };
}

export function checkEventName(value: unknown, path: string, catalog: RuleCatalog, problems: Problems): string | null {
  const event = nonEmptyString(value, path, 'the event name', problems);
  if (event === null || event === ANY_EVENT || catalog.allowUnknown || catalog.eventSeen(event)) return event;
  problems.push(
    `${path}: unknown event ${JSON.stringify(event)}: no such event was seen yet${hintFor(event, catalog.eventNames())}; ` +
      'pass allowUnknown=true to define it ahead of the data',
  );
  return null;
}

/** A list of `{ property, op, value }` conditions on an event's properties. */
export function checkFilters(
  value: unknown,
  path: string,
  event: string,
  catalog: RuleCatalog,
  problems: Problems,
): PropertyFilter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${path}: must be a non-empty array of { property, op, value } conditions (or left out)`);
    return [];
  }
  const filters: PropertyFilter[] = [];
  value.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    const node = asObject(item, itemPath, 'a { property, op, value } condition', problems);
    if (node === null) return;
    checkKeys(node, itemPath, ['property', 'op', 'value'], problems);
    const property = nonEmptyString(node.property, `${itemPath}.property`, 'property', problems);
    if (property === null) return;
    const seen = event === ANY_EVENT ? { known: true, types: undefined } : typesAtPath((name) => catalog.propertyTypes(event, name), property);
    if (!seen.known && !catalog.allowUnknown) {
      problems.push(
        `${itemPath}.property: unknown property ${JSON.stringify(property)} of event ${JSON.stringify(event)}` +
          `${hintFor(property, catalog.propertyNames(event))}`,
      );
      return;
    }
    const op = checkComparison(node, itemPath, `property "${property}"`, seen.types, problems);
    if (op === null) return;
    filters.push({ property, op, ...(op === 'exists' || op === 'not_exists' ? {} : { value: node.value }) });
  });
  return filters;
}

/** A window such as "30d": at least a minute, at most the history kept. */
export function checkWindow(value: unknown, path: string, catalog: RuleCatalog, problems: Problems): number | null {
  if (typeof value !== 'string' || parseDuration(value) === null) {
    problems.push(`${path}: must be a duration such as "90s", "15m", "12h", "30d" or "2w"`);
    return null;
  }
  const ms = parseDuration(value) ?? 0;
  if (ms < MIN_WINDOW_MS) {
    problems.push(`${path}: ${value} is too short; windows are at least ${formatDuration(MIN_WINDOW_MS)}`);
    return null;
  }
  if (ms > catalog.maxWindowMs) {
    problems.push(
      `${path}: ${value} is longer than the event history kept (${formatDuration(catalog.maxWindowMs)}, ` +
        'PROFILES_EVENT_RETENTION_DAYS), which windows are computed from',
    );
    return null;
  }
  return ms;
}

export function checkTraitName(
  value: unknown,
  path: string,
  entity: TraitEntity,
  catalog: RuleCatalog,
  problems: Problems,
): { name: string; types: ValueType[] | undefined } | null {
  const name = nonEmptyString(value, path, 'the trait name', problems);
  if (name === null) return null;
  const seen = typesAtPath((trait) => catalog.traitTypes(entity, trait), name);
  if (seen.known || catalog.allowUnknown) return { name, types: seen.types };
  const where = entity === 'profile' ? 'on an identify call' : 'on a group call';
  problems.push(
    `${path}: unknown ${entity === 'group' ? 'group ' : ''}trait ${JSON.stringify(name)}: never seen ${where}` +
      `${hintFor(name, catalog.traitNames(entity))}; pass allowUnknown=true to define it ahead of the data`,
  );
  return null;
}
