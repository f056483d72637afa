import type { Db } from '@cjo/db';
import type { Identifier } from '../identifiers';
import { liveProfileOf, membersOf } from './graph-queries';

/**
 * Forgets a deleted profile (GDPR erasure): its identifiers, the profiles merged into it and every
 * merge, split and conflict that mentions one of them. A merged-away id stands for its live profile.
 * Returns the identifiers forgotten, for the cache to drop; none when the profile is unknown (a
 * redelivered deletion, or one identity never saw).
 */
export async function forgetProfile(db: Db, profileId: string): Promise<Identifier[]> {
  return db.transaction(async (tx) => {
    const live = await liveProfileOf(tx, profileId);
    if (live === null) return [];
    await tx.query('SELECT profile_id FROM profiles WHERE profile_id = $1 FOR UPDATE', [live]);
    const members = await membersOf(tx, live);
    const { rows } = await tx.query<Identifier>('DELETE FROM identifiers WHERE profile_id = ANY($1::uuid[]) RETURNING type, value', [members]);
    await tx.query('DELETE FROM merges WHERE survivor_profile_id = ANY($1::uuid[]) OR merged_profile_id = ANY($1::uuid[])', [members]);
    await tx.query('DELETE FROM splits WHERE from_profile_id = ANY($1::uuid[]) OR new_profile_id = ANY($1::uuid[])', [members]);
    await tx.query('DELETE FROM conflicts WHERE profile_id = ANY($1::uuid[]) OR other_profile_id = ANY($1::uuid[])', [members]);
    await tx.query('DELETE FROM profiles WHERE profile_id = ANY($1::uuid[])', [members]);
    return rows.map((row) => ({ type: row.type, value: row.value }));
  });
}
