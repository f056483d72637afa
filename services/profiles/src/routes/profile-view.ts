import type { Static } from '@sinclair/typebox';
import type { Queryable } from '@cjo/db';
import type { ProfileCache } from '../cache/profile-cache';
import type { Catalog } from '../catalog/catalog';
import type { CatalogSource } from '../catalog/catalog-source';
import { computeMissingAggregates } from '../batch/materialise';
import { aggregateValue } from '../model/aggregate';
import { readGroups } from '../store/groups-store';
import { loadMemberships } from '../store/memberships-store';
import { profileVersion, readProfiles } from '../store/profiles-store';
import { mergedInto } from '../store/redirects-store';
import { iso, type ProfileViewSchema } from './schemas';

export type ProfileView = Static<typeof ProfileViewSchema>;

export interface ProfileReader {
  db: Queryable;
  catalogs: CatalogSource;
  cache: ProfileCache;
  now: () => number;
}

/**
 * Reads a profile as the API shows it, from Postgres, without locking. Aggregates not computed yet
 * for it (a computed trait defined after its last event) are computed from history for the answer.
 */
async function loadView(reader: ProfileReader, catalog: Catalog, profileId: string): Promise<ProfileView | null> {
  const draft = (await readProfiles(reader.db, [profileId])).get(profileId);
  if (draft === undefined) return null;
  const now = reader.now();
  await computeMissingAggregates(reader.db, catalog, [draft], now);
  const memberships = (await loadMemberships(reader.db, [profileId])).get(profileId) ?? new Map();
  return {
    id: draft.id,
    traits: draft.traits,
    identifiers: [...draft.identifiers].sort((a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value)),
    eventCount: draft.eventCount,
    firstSeen: iso(draft.firstSeen),
    lastSeen: iso(draft.lastSeen),
    computedTraits: Object.fromEntries(
      catalog.computedTraits.map((trait) => [trait.name, aggregateValue(trait.spec, draft.computed[trait.aggregateId], now)]),
    ),
    groups: draft.groupIds.map((id) => ({ id, traits: {} })),
    segments: catalog.segments.flatMap((segment) => {
      const membership = memberships.get(segment.id);
      return membership === undefined
        ? []
        : [{ id: segment.id, name: segment.name, enteredAt: iso(membership.enteredAt), version: membership.version }];
    }),
    mergedProfileIds: await mergedInto(reader.db, profileId),
  };
}

/**
 * The profile (following a merged-away id to its survivor) through the cache; null when there is
 * none. The cache key is the row's version and the catalog generation (names of segments, computed
 * traits); group traits change without the profile, so they are read fresh.
 */
export async function readProfileView(reader: ProfileReader, requestedId: string): Promise<ProfileView | null> {
  const current = await profileVersion(reader.db, requestedId);
  if (current === null) return null;
  const catalog = await reader.catalogs.latest(reader.db);
  const view = await reader.cache.read({ profileId: current.id, version: current.version, variant: String(catalog.generation) }, () =>
    loadView(reader, catalog, current.id),
  );
  if (view === null || view.groups.length === 0) return view;
  const groups = await readGroups(reader.db, view.groups.map((group) => group.id));
  return { ...view, groups: view.groups.map(({ id }) => ({ id, traits: groups.get(id)?.traits ?? {} })) };
}
