import { isPlainObject } from '../model/json-values';

/** Names of the computed traits a stored rule refers to (to refuse deleting one that is in use). */
export function computedTraitsIn(rule: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(rule)) {
    for (const item of rule) computedTraitsIn(item, into);
  } else if (isPlainObject(rule)) {
    if (typeof rule.computedTrait === 'string') into.add(rule.computedTrait);
    for (const value of Object.values(rule)) computedTraitsIn(value, into);
  }
  return into;
}
