import { isDeepStrictEqual } from 'node:util';
import type { TraitChange } from '@cjo/contract';
import type { Traits } from '../traits';

export interface MergedTraits {
  traits: Traits;
  changes: TraitChange[];
}

/** Incoming values overwrite stored ones; a change is reported only for a trait whose value really differs. */
export function mergeTraits(current: Traits, incoming: Traits): MergedTraits {
  const traits: Traits = { ...current };
  const changes: TraitChange[] = [];
  for (const [trait, value] of Object.entries(incoming)) {
    const known = Object.prototype.hasOwnProperty.call(current, trait);
    if (known && isDeepStrictEqual(current[trait], value)) continue;
    traits[trait] = value;
    changes.push({
      trait,
      oldValueJson: known ? JSON.stringify(current[trait]) : null,
      newValueJson: JSON.stringify(value),
    });
  }
  return { traits, changes };
}
