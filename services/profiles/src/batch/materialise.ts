import type { Queryable } from '@cjo/db';
import type { Catalog } from '../catalog/catalog';
import { addOccurrence, occurrenceOf, type AggregateState } from '../model/aggregate';
import type { KeyedAggregate, ProfileDraft } from '../model/profile';
import { bucketSizeFor } from '../model/window';
import type { StoredEvent } from '../model/profile-event';
import { historyOf, storedEventKey } from '../store/events-store';
import type { ProfileWork } from './profile-work';

/**
 * Computes, from the stored event history, every aggregate of the catalog these profiles do not
 * hold yet (a computed trait or segment condition defined after their events arrived), in one
 * query for all of them, and stores the states on the drafts. Returns the aggregate ids computed,
 * by profile. Windows come out exact; all-time aggregates see the history kept.
 */
export async function computeMissingAggregates(
  tx: Queryable,
  catalog: Catalog,
  drafts: readonly ProfileDraft[],
  now: number,
): Promise<Map<string, string[]>> {
  const needs = new Map<ProfileDraft, KeyedAggregate[]>();
  for (const draft of drafts) {
    if (draft.isNew) continue;
    const missing = catalog.aggregates.filter((aggregate) => draft.computed[aggregate.id] === undefined);
    if (missing.length > 0) needs.set(draft, missing);
  }
  const done = new Map<string, string[]>();
  if (needs.size === 0) return done;
  const aggregates = [...new Map([...needs.values()].flat().map((aggregate) => [aggregate.id, aggregate])).values()];
  const since = Math.min(
    ...aggregates.map(({ spec }) => (spec.windowMs === null ? 0 : now - spec.windowMs - bucketSizeFor(spec.windowMs))),
  );
  const history = await historyOf(tx, [...needs.keys()].map((draft) => draft.id), [...new Set(aggregates.map(({ spec }) => spec.event))], since);
  const byProfile = new Map<string, StoredEvent[]>();
  for (const event of history) {
    const list = byProfile.get(event.profileId);
    if (list === undefined) byProfile.set(event.profileId, [event]);
    else list.push(event);
  }
  for (const [draft, missing] of needs) {
    const events = (byProfile.get(draft.id) ?? []).map((event) => ({ eventKey: storedEventKey(event), properties: event.properties, time: event.time }));
    for (const { id, spec } of missing) {
      const state: AggregateState = {};
      for (const event of events) {
        const occurrence = occurrenceOf(spec, event);
        if (occurrence !== null) addOccurrence(spec, state, occurrence, now);
      }
      draft.computed[id] = state;
    }
    done.set(draft.id, missing.map(({ id }) => id));
  }
  return done;
}

/** computeMissingAggregates for profiles of a work, which then writes them. */
export async function materialise(tx: Queryable, work: ProfileWork, profileIds: readonly string[]): Promise<Map<string, string[]>> {
  const drafts = profileIds.map((id) => work.drafts.get(id)).filter((draft): draft is ProfileDraft => draft !== undefined);
  const done = await computeMissingAggregates(tx, work.catalog, drafts, work.now);
  for (const id of done.keys()) work.touched.add(id);
  return done;
}
