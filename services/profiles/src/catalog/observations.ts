import { typesOf } from '../model/json-values';
import type { ProfileEvent } from '../model/profile-event';
import type { ObservedProperty, ObservedTrait } from '../store/observed-store';

export interface Observations {
  traits: ObservedTrait[];
  properties: ObservedProperty[];
}

/** Most names and types one instance remembers; a source sending unbounded property names stops being catalogued. */
const MAX_KNOWN = 50_000;

/**
 * Keeps what the data looks like (trait and property names with their types) for rule validation.
 * Each instance remembers what it wrote, so a batch writes only what is new: after warm-up, nothing.
 */
export function createObservationTracker(): { collect(events: readonly ProfileEvent[]): Observations; remember(o: Observations): void } {
  const known = new Set<string>();
  return {
    collect(events) {
      const found = new Map<string, ObservedTrait | ObservedProperty>();
      const see = (key: string, entry: ObservedTrait | ObservedProperty): void => {
        if (!known.has(key) && known.size + found.size < MAX_KNOWN) found.set(key, entry);
      };
      for (const event of events) {
        see(`e\n${event.eventKey}`, { event: event.eventKey, property: '', type: '' });
        for (const [property, value] of Object.entries(event.properties)) {
          for (const type of typesOf(value)) see(`p\n${event.eventKey}\n${property}\n${type}`, { event: event.eventKey, property, type });
        }
        const traitSource = event.traitUpdate ?? event.groupTraitUpdate;
        const entity = event.traitUpdate !== null ? 'profile' : 'group';
        if (traitSource === null) continue;
        for (const [name, value] of [...Object.entries(traitSource.set), ...Object.entries(traitSource.setOnce)]) {
          for (const type of typesOf(value)) see(`t\n${entity}\n${name}\n${type}`, { entity, name, type });
        }
      }
      const observations: Observations = { traits: [], properties: [] };
      for (const entry of found.values()) {
        if ('entity' in entry) observations.traits.push(entry);
        else observations.properties.push(entry);
      }
      return observations;
    },
    remember(observations) {
      for (const { entity, name, type } of observations.traits) known.add(`t\n${entity}\n${name}\n${type}`);
      for (const { event, property, type } of observations.properties) {
        known.add(property === '' ? `e\n${event}` : `p\n${event}\n${property}\n${type}`);
      }
    },
  };
}
