import type { ProfileDeleted } from '@cjo/contract';
import { addIdentifiers, identifierHash, type Identifier } from '../model/identifiers';
import { deleteEventsOf } from '../store/events-store';
import { deleteGroupLinksOf, deletePendingEvaluation } from '../store/groups-store';
import { deleteIdentifiersOf, identifiersOf } from '../store/identifiers-store';
import { deleteProfiles } from '../store/profiles-store';
import { deleteRedirectsTo, findRedirects, mergedInto } from '../store/redirects-store';
import { findTombstone, suppress, tombstone } from '../store/suppression-store';
import { exitAllSegments, openWork } from './profile-work';
import { runWork, type ProfilesRuntime } from './runtime';

export type DeletionOutcome =
  | { kind: 'deleted'; deletion: ProfileDeleted; mergedProfileIds: string[] }
  | { kind: 'not_found' }
  | { kind: 'gone'; profileId: string; deletionId: string; deletedAt: number };

/**
 * GDPR erasure of a profile (a merged-away id stands for its survivor): its row, traits, event
 * history, group links, identifiers and memberships go (its segments see it exit, cause
 * profile_deleted); the hashes of its identifiers go on the suppression list and its id (and the
 * ids merged into it) on the deleted list, so later events do not bring it back; a ProfileDeleted
 * record tells the other services to forget it. All in one transaction, published before commit.
 */
export async function deleteProfile(runtime: ProfilesRuntime, requestedId: string, deletionId: string): Promise<DeletionOutcome> {
  return runWork<DeletionOutcome>(runtime, async (tx) => {
    const now = runtime.now();
    const profileId = (await findRedirects(tx, [requestedId])).get(requestedId) ?? requestedId;
    const work = await openWork(tx, runtime.catalogs, { ids: [profileId], now });
    const draft = work.drafts.get(profileId);
    if (draft === undefined) {
      const gone = await findTombstone(tx, requestedId);
      return { work: null, value: gone === null ? { kind: 'not_found' } : { kind: 'gone', profileId: requestedId, ...gone } };
    }
    const identifiers: Identifier[] = [...draft.identifiers];
    addIdentifiers(identifiers, await identifiersOf(tx, profileId));
    const mergedProfileIds = await mergedInto(tx, profileId);
    exitAllSegments(work, profileId, 'profile_deleted', null);
    work.removed.add(profileId);
    await deleteEventsOf(tx, profileId);
    await deleteIdentifiersOf(tx, profileId);
    await deleteGroupLinksOf(tx, profileId);
    await deleteRedirectsTo(tx, profileId);
    await deletePendingEvaluation(tx, profileId);
    await deleteProfiles(tx, [profileId]);
    await suppress(tx, identifiers.map((identifier) => ({ hash: identifierHash(identifier), type: identifier.type })), deletionId, now);
    await tombstone(tx, [profileId, ...mergedProfileIds], deletionId, now);
    const deletion: ProfileDeleted = { deletionId, profileId, identifiers, deletedAt: now };
    return { work, deletions: [deletion], value: { kind: 'deleted', deletion, mergedProfileIds } };
  });
}
