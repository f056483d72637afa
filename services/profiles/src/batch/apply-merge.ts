import { drop, ok, type StepResult } from '@cjo/bus';
import type { IdentityMerged } from '@cjo/contract';
import type { Queryable } from '@cjo/db';
import { storedEventKey, moveAllEvents } from '../store/events-store';
import { moveGroupLinks } from '../store/groups-store';
import { moveAllIdentifiers } from '../store/identifiers-store';
import { deleteProfiles } from '../store/profiles-store';
import { addRedirect, findRedirects, markIdentityChangeApplied } from '../store/redirects-store';
import { findBlocked } from '../store/suppression-store';
import { foldProfile } from '../model/fold-profile';
import { addIdentifiers, normaliseIdentifier } from '../model/identifiers';
import { materialise } from './materialise';
import {
  computedChanges,
  computedValues,
  draftFor,
  evaluateSegments,
  exitAllSegments,
  expireWindows,
  loadGroupsOf,
  openWork,
  recordProfileChange,
} from './profile-work';
import type { ProfilesRuntime, WorkResult } from './runtime';

/**
 * Applies IdentityMerged once (by mergeId): the merged profile folds into the survivor (see
 * foldProfile), its events, identifiers and group links move over, it leaves its segments, and a
 * redirect sends later events for its id to the survivor. A merge that arrives before any event
 * of the merged profile only records the redirect, so those events land on the survivor directly.
 */
export async function applyMerge(
  runtime: ProfilesRuntime,
  tx: Queryable,
  merge: IdentityMerged,
): Promise<WorkResult<StepResult<null>>> {
  const now = runtime.now();
  if (!(await markIdentityChangeApplied(tx, merge.mergeId, 'merge', now))) {
    return { work: null, value: drop(`merge ${merge.mergeId} was already applied`) };
  }
  const redirects = await findRedirects(tx, [merge.survivorProfileId, merge.mergedProfileId]);
  const survivorId = redirects.get(merge.survivorProfileId) ?? merge.survivorProfileId;
  const mergedId = redirects.get(merge.mergedProfileId) ?? merge.mergedProfileId;
  if (survivorId === mergedId) return { work: null, value: drop(`profiles of merge ${merge.mergeId} are already one`) };

  const work = await openWork(tx, runtime.catalogs, { ids: [survivorId, mergedId], now, failIfRedirected: true });
  const blocked = await findBlocked(tx, [], [survivorId]);
  if (blocked.profiles.has(survivorId)) {
    return { work: null, value: drop(`merge ${merge.mergeId}: survivor ${survivorId} was deleted`) };
  }
  await materialise(tx, work, [survivorId, mergedId]);
  const merged = work.drafts.get(mergedId);
  const survivor = draftFor(work, survivorId, merged?.firstSeen ?? merge.mergedAt);
  expireWindows(work, survivor);
  if (merged !== undefined) {
    const duplicates = await moveAllEvents(tx, mergedId, survivorId);
    const aggregateIds = work.catalog.aggregates.map(({ id }) => id);
    const before = computedValues(work, survivor, aggregateIds);
    const changes = foldProfile(
      survivor,
      merged,
      work.catalog.aggregates,
      duplicates.map((event) => ({ eventKey: storedEventKey(event), properties: event.properties, time: event.time })),
    );
    recordProfileChange(work, survivor, [...changes, ...computedChanges(before, computedValues(work, survivor, aggregateIds))], merge.messageId);
    exitAllSegments(work, mergedId, 'profile_merged', merge.messageId);
    work.removed.add(mergedId);
    await moveAllIdentifiers(tx, mergedId, survivorId);
    await moveGroupLinks(tx, mergedId, survivorId);
    await deleteProfiles(tx, [mergedId]);
  }
  const identifiers = [...merge.identifiers, ...merge.linkingIdentifiers].map(normaliseIdentifier);
  for (const identifier of addIdentifiers(survivor.identifiers, identifiers)) {
    work.newIdentifiers.push({ profileId: survivorId, identifier });
  }
  await addRedirect(tx, { mergedId, survivorId, mergeId: merge.mergeId, mergedAt: merge.mergedAt });
  if (mergedId !== merge.mergedProfileId) {
    await addRedirect(tx, { mergedId: merge.mergedProfileId, survivorId, mergeId: merge.mergeId, mergedAt: merge.mergedAt });
  }
  if (work.catalog.readsGroups) await loadGroupsOf(tx, work, [survivor]);
  evaluateSegments(work, survivor, work.catalog.segments, 'profile_merged', merge.messageId);
  return { work, value: ok(null) };
}
