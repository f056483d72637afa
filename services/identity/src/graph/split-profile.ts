import type { Db, Queryable } from '@cjo/db';
import type { IdentitySplit } from '@cjo/contract';
import { describeIdentifier, keyOf, type Identifier } from '../identifiers';
import { MERGE_SELECT, toMerged, type MergeRow } from '../changes/change-rows';
import { findLinks, identifierColumns } from './graph-store';
import { liveProfileOf } from './graph-queries';

export type SplitRequest =
  | { mergeId: string; reason: string }
  | { profileId: string; identifiers: Identifier[]; reason: string };

export type SplitOutcome =
  | { type: 'split'; split: IdentitySplit }
  | { type: 'refused'; status: 404 | 409 | 422; code: string; message: string };

const refused = (status: 404 | 409 | 422, code: string, message: string): SplitOutcome => ({ type: 'refused', status, code, message });

/**
 * Moves identifiers off a live profile onto another one, in one transaction that locks both.
 * Undoing a merge gives the merged profile back its id and whatever of its identifiers the
 * survivor still holds; identifiers linked to the survivor after the merge stay with it.
 * An explicit split moves the listed identifiers onto a new profile.
 */
export async function splitProfile(deps: { db: Db; newId: () => string; now: () => number }, request: SplitRequest): Promise<SplitOutcome> {
  return deps.db.transaction(async (tx) => {
    const splitId = deps.newId();
    const splitAt = deps.now();
    let fromProfileId: string;
    let newProfileId: string;
    let identifiers: Identifier[];
    let mergeId: string | null = null;
    if ('mergeId' in request) {
      const found = await tx.query<MergeRow>(`${MERGE_SELECT} WHERE merge_id = $1 FOR UPDATE`, [request.mergeId]);
      const row = found.rows[0];
      if (row === undefined) return refused(404, 'merge_not_found', `there is no merge ${request.mergeId}`);
      if (row.undone_by_split_id !== null) {
        return refused(409, 'merge_already_undone', `merge ${request.mergeId} was undone by split ${row.undone_by_split_id}`);
      }
      const merge = toMerged(row);
      const live = await lockLive(tx, merge.survivorProfileId, [merge.mergedProfileId]);
      if (live === null) return refused(409, 'profile_gone', `the survivor of merge ${merge.mergeId} no longer exists`);
      const links = await findLinks(tx, merge.identifiers);
      identifiers = merge.identifiers.filter((identifier) => links.get(keyOf(identifier)) === live);
      if (identifiers.length === 0) {
        return refused(409, 'nothing_to_split', `every identifier merge ${merge.mergeId} moved has since been split off or forgotten`);
      }
      fromProfileId = live;
      newProfileId = merge.mergedProfileId;
      mergeId = merge.mergeId;
      await tx.query('UPDATE profiles SET merged_into = NULL, merged_at = NULL WHERE profile_id = $1', [newProfileId]);
      await tx.query('UPDATE merges SET undone_by_split_id = $2 WHERE merge_id = $1', [mergeId, splitId]);
    } else {
      const live = await liveProfileOf(tx, request.profileId);
      if (live === null || (await lockLive(tx, live, [])) !== live) {
        return refused(404, 'profile_not_found', `there is no profile ${request.profileId}`);
      }
      const links = await findLinks(tx, request.identifiers);
      const elsewhere = request.identifiers.filter((identifier) => links.get(keyOf(identifier)) !== live);
      if (elsewhere.length > 0) {
        return refused(409, 'identifier_not_on_profile', `not identifiers of profile ${live}: ${elsewhere.map(describeIdentifier).join(', ')}`);
      }
      const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM identifiers WHERE profile_id = $1', [live]);
      if ((rows[0]?.n ?? 0) <= new Set(request.identifiers.map(keyOf)).size) {
        return refused(422, 'split_would_empty_profile', `profile ${live} would keep no identifier; split off fewer`);
      }
      fromProfileId = live;
      newProfileId = deps.newId();
      identifiers = request.identifiers;
      await tx.query('INSERT INTO profiles (profile_id) VALUES ($1)', [newProfileId]);
    }
    await tx.query(
      `UPDATE identifiers i SET profile_id = $3
         FROM unnest($1::text[], $2::text[]) AS moved(type, value)
        WHERE i.type = moved.type AND i.value = moved.value AND i.profile_id = $4`,
      [...identifierColumns(identifiers), newProfileId, fromProfileId],
    );
    const split: IdentitySplit = { splitId, fromProfileId, newProfileId, identifiers, mergeId, reason: request.reason, splitAt };
    await tx.query(
      `INSERT INTO splits (split_id, from_profile_id, new_profile_id, identifiers, merge_id, reason, split_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, to_timestamp($7::double precision / 1000))`,
      [splitId, fromProfileId, newProfileId, JSON.stringify(identifiers), mergeId, request.reason, splitAt],
    );
    return { type: 'split', split };
  });
}

/**
 * Follows `profileId` to its live profile and locks it together with `others`, in id order like
 * every writer; null when the chain ends nowhere. Resolving again under the lock catches a merge
 * that committed in between.
 */
async function lockLive(tx: Queryable, profileId: string, others: string[]): Promise<string | null> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const live = await liveProfileOf(tx, profileId);
    if (live === null) return null;
    const ids = [...new Set([live, ...others])].sort();
    await tx.query('SELECT profile_id FROM profiles WHERE profile_id = ANY($1::uuid[]) ORDER BY profile_id FOR UPDATE', [ids]);
    if ((await liveProfileOf(tx, profileId)) === live) return live;
  }
  return null;
}
