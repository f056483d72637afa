import { isDeepStrictEqual } from 'node:util';
import type { TraitChange } from '@cjo/contract';
import { isPlainObject, type JsonObject } from './json-values';

/** Traits: trait name → any JSON value. */
export type Traits = Record<string, unknown>;

/**
 * Event time (ms) of the value each trait holds, or of the `$unset` that removed it: a trait only
 * takes a value from an event at least as recent, so events arriving out of order do not go back in time.
 */
export type TraitTimes = Record<string, number>;

/**
 * What an identify (or group) call asks for. Its traits set values; two reserved keys are operators:
 * `$setOnce: { name: value }` sets a trait only while it has no value, `$unset: ["name"]` removes traits.
 * Other names starting with `$` are reserved and ignored.
 */
export interface TraitUpdate {
  set: Traits;
  setOnce: Traits;
  unset: string[];
}

export const SET_ONCE_KEY = '$setOnce';
export const UNSET_KEY = '$unset';

export function parseTraitUpdate(raw: JsonObject): TraitUpdate {
  const update: TraitUpdate = { set: {}, setOnce: {}, unset: [] };
  for (const [name, value] of Object.entries(raw)) {
    if (name === SET_ONCE_KEY && isPlainObject(value)) {
      for (const [onceName, onceValue] of Object.entries(value)) {
        if (!onceName.startsWith('$')) update.setOnce[onceName] = onceValue;
      }
    } else if (name === UNSET_KEY && Array.isArray(value)) {
      update.unset.push(...value.filter((item): item is string => typeof item === 'string' && !item.startsWith('$')));
    } else if (!name.startsWith('$')) {
      update.set[name] = value;
    }
  }
  return update;
}

const has = (traits: Traits, name: string): boolean => Object.prototype.hasOwnProperty.call(traits, name);

function change(trait: string, oldValue: unknown, newValue: unknown, known: boolean, removed = false): TraitChange {
  return {
    trait,
    oldValueJson: known ? JSON.stringify(oldValue) : null,
    newValueJson: removed ? null : JSON.stringify(newValue),
  };
}

/**
 * Applies an update made at `time` to `traits` and `times` (both changed in place) and returns the
 * traits whose value really changed. A later (or equally recent) event overwrites; an older one
 * only fills traits that never had a value.
 */
export function applyTraitUpdate(traits: Traits, times: TraitTimes, update: TraitUpdate, time: number): TraitChange[] {
  const changes: TraitChange[] = [];
  const newerThanStored = (name: string): boolean => times[name] === undefined || time >= (times[name] ?? 0);
  for (const [name, value] of Object.entries(update.set)) {
    if (!newerThanStored(name)) continue;
    times[name] = time;
    const known = has(traits, name);
    if (known && isDeepStrictEqual(traits[name], value)) continue;
    changes.push(change(name, traits[name], value, known));
    traits[name] = value;
  }
  for (const [name, value] of Object.entries(update.setOnce)) {
    if (has(traits, name) || !newerThanStored(name)) continue;
    times[name] = time;
    changes.push(change(name, undefined, value, false));
    traits[name] = value;
  }
  for (const name of update.unset) {
    if (!newerThanStored(name)) continue;
    times[name] = time;
    if (!has(traits, name)) continue;
    changes.push(change(name, traits[name], null, true, true));
    delete traits[name];
  }
  return changes;
}

/**
 * The merge rule for traits: the survivor's values win; a trait the survivor does not have is taken
 * from the merged profile, unless the survivor removed it more recently than the merged profile set it.
 */
export function fillTraitGaps(traits: Traits, times: TraitTimes, from: Traits, fromTimes: TraitTimes): TraitChange[] {
  const changes: TraitChange[] = [];
  for (const [name, value] of Object.entries(from)) {
    if (has(traits, name)) continue;
    const removedAt = times[name];
    const setAt = fromTimes[name] ?? 0;
    if (removedAt !== undefined && removedAt >= setAt) continue;
    traits[name] = value;
    times[name] = setAt;
    changes.push(change(name, undefined, value, false));
  }
  return changes;
}

/** The changes that turn `before` into `after` (a profile rebuilt by a split). */
export function traitsDiff(before: Traits, after: Traits): TraitChange[] {
  const changes: TraitChange[] = [];
  for (const [name, value] of Object.entries(after)) {
    const known = has(before, name);
    if (!known || !isDeepStrictEqual(before[name], value)) changes.push(change(name, before[name], value, known));
  }
  for (const name of Object.keys(before)) if (!has(after, name)) changes.push(change(name, before[name], null, true, true));
  return changes;
}
