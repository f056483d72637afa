import { typesOf } from '../model/json-values';
import type { ProfileEvent } from '../model/profile-event';
import type { ObservedProperty, ObservedTrait } from '../store/observed-store';

export interface Observations {
  traits: ObservedTrait[];
  properties: ObservedProperty[];
}

/** Most names and types one instance remembers; a source sending unbounded property names stops being catalogued. */
const MAX_KNOWN = 50_000;

// One key per name and type: collect() looks them up, remember() stores them.
const eventSeenKey = (event: string) => `e\n${event}`;
const propertyKey = (event: string, property: string, type: string) => `p\n${event}\n${property}\n${type}`;
const traitKey = (entity: string, name: string, type: string) => `t\n${entity}\n${name}\n${type}`;

/**
 * Keeps what the data looks like (trait and property names with their types) for rule validation.
 * Each instance remembers what it wrote, so a batch writes only what is new: after warm-up, nothing.
 */
export function createObservationTracker(): { collect(events: readonly ProfileEvent[]): Observations; remember(o: Observations): void } {
  const known = new Set<string>();
  return {
    collect(events) {
      const found = new Map<string, ObservedTrait | ObservedProperty>();
      // The entry is built only for what is new: after warm-up every key is known.
      const see = (key: string, entry: () => ObservedTrait | ObservedProperty): void => {
        if (!known.has(key) && !found.has(key) && known.size + found.size < MAX_KNOWN) found.set(key, entry());
      };
      for (const event of events) {
        const { eventKey } = event;
        see(eventSeenKey(eventKey), () => ({ event: eventKey, property: '', type: '' }));
        for (const property in event.properties) {
          for (const type of typesOf(event.properties[property])) {
            see(propertyKey(eventKey, property, type), () => ({ event: eventKey, property, type }));
          }
        }
        const traitSource = event.traitUpdate ?? event.groupTraitUpdate;
        const entity = event.traitUpdate !== null ? 'profile' : 'group';
        if (traitSource === null) continue;
        for (const values of [traitSource.set, traitSource.setOnce]) {
          for (const name in values) {
            for (const type of typesOf(values[name])) see(traitKey(entity, name, type), () => ({ entity, name, type }));
          }
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
      for (const { entity, name, type } of observations.traits) known.add(traitKey(entity, name, type));
      for (const { event, property, type } of observations.properties) {
        known.add(property === '' ? eventSeenKey(event) : propertyKey(event, property, type));
      }
    },
  };
}
