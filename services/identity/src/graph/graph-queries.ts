import type { Queryable } from '@cjo/db';
import type { Identifier } from '../identifiers';
import { MERGE_SELECT, SPLIT_SELECT, toMerged, toSplit, type MergeRow, type SplitRow } from '../changes/change-rows';
import type { IdentityMerged, IdentitySplit } from '@cjo/contract';

/** Redirect chains are short (one hop per merge); the bound only guards against a cycle. */
const MAX_CHAIN = 1000;

/** The live profile a profile id resolves to (itself, or the end of its merged_into chain); null if unknown. */
export async function liveProfileOf(db: Queryable, profileId: string): Promise<string | null> {
  const { rows } = await db.query<{ profile_id: string }>(
    `WITH RECURSIVE chain (profile_id, merged_into, depth) AS (
       SELECT profile_id, merged_into, 0 FROM profiles WHERE profile_id = $1
       UNION ALL
       SELECT p.profile_id, p.merged_into, c.depth + 1 FROM profiles p JOIN chain c ON p.profile_id = c.merged_into
        WHERE c.depth < ${MAX_CHAIN}
     )
     SELECT profile_id FROM chain WHERE merged_into IS NULL`,
    [profileId],
  );
  return rows[0]?.profile_id ?? null;
}

/** The profile and every profile merged into it, directly or through others. */
export async function membersOf(db: Queryable, profileId: string): Promise<string[]> {
  const { rows } = await db.query<{ profile_id: string }>(
    `WITH RECURSIVE members (profile_id) AS (
       SELECT $1::uuid
       UNION
       SELECT p.profile_id FROM profiles p JOIN members m ON p.merged_into = m.profile_id
     )
     SELECT profile_id FROM members`,
    [profileId],
  );
  return rows.map((row) => row.profile_id);
}

export interface LinkedIdentifier extends Identifier {
  linkedAt: number;
  messageId: string | null;
}

export async function identifiersOf(db: Queryable, profileId: string): Promise<LinkedIdentifier[]> {
  const { rows } = await db.query<{ type: string; value: string; linked_at: number; message_id: string | null }>(
    `SELECT type, value, (extract(epoch FROM created_at) * 1000)::bigint AS linked_at, message_id
       FROM identifiers WHERE profile_id = $1 ORDER BY created_at, type, value`,
    [profileId],
  );
  return rows.map((row) => ({ type: row.type, value: row.value, linkedAt: Number(row.linked_at), messageId: row.message_id }));
}

export async function profileIdOf(db: Queryable, identifier: Identifier): Promise<string | null> {
  const { rows } = await db.query<{ profile_id: string }>('SELECT profile_id FROM identifiers WHERE type = $1 AND value = $2', [
    identifier.type,
    identifier.value,
  ]);
  return rows[0]?.profile_id ?? null;
}

export async function createdAtOf(db: Queryable, profileId: string): Promise<number | null> {
  const { rows } = await db.query<{ created_at: number }>(
    'SELECT (extract(epoch FROM created_at) * 1000)::bigint AS created_at FROM profiles WHERE profile_id = $1',
    [profileId],
  );
  return rows[0] === undefined ? null : Number(rows[0].created_at);
}

export interface ConflictEntry {
  conflictId: string;
  kind: 'merge_protection' | 'limit_exceeded';
  profileId: string;
  otherProfileId: string | null;
  identifier: Identifier;
  reason: string;
  firstMessageId: string | null;
  lastMessageId: string | null;
  occurrences: number;
  firstAt: number;
  lastAt: number;
}

export interface ProfileHistory {
  merges: Array<IdentityMerged & { undoneBySplitId: string | null }>;
  splits: IdentitySplit[];
  conflicts: ConflictEntry[];
}

/** Every merge, split and conflict that involved one of `profileIds`, oldest first, at most `limit` of each. */
export async function historyOf(db: Queryable, profileIds: readonly string[], limit: number): Promise<ProfileHistory> {
  const ids = [...profileIds];
  const merges = await db.query<MergeRow>(
    `${MERGE_SELECT} WHERE survivor_profile_id = ANY($1::uuid[]) OR merged_profile_id = ANY($1::uuid[])
      ORDER BY merged_at, merge_id LIMIT $2`,
    [ids, limit],
  );
  const splits = await db.query<SplitRow>(
    `${SPLIT_SELECT} WHERE from_profile_id = ANY($1::uuid[]) OR new_profile_id = ANY($1::uuid[]) ORDER BY split_at, split_id LIMIT $2`,
    [ids, limit],
  );
  const conflicts = await db.query<{
    conflict_id: string;
    kind: 'merge_protection' | 'limit_exceeded';
    profile_id: string;
    other_profile_id: string | null;
    identifier_type: string;
    identifier_value: string;
    reason: string;
    first_message_id: string | null;
    last_message_id: string | null;
    occurrences: number;
    first_at: number;
    last_at: number;
  }>(
    `SELECT conflict_id, kind, profile_id, other_profile_id, identifier_type, identifier_value, reason, first_message_id,
            last_message_id, occurrences, (extract(epoch FROM first_at) * 1000)::bigint AS first_at,
            (extract(epoch FROM last_at) * 1000)::bigint AS last_at
       FROM conflicts WHERE profile_id = ANY($1::uuid[]) OR other_profile_id = ANY($1::uuid[])
      ORDER BY first_at, conflict_id LIMIT $2`,
    [ids, limit],
  );
  return {
    merges: merges.rows.map((row) => ({ ...toMerged(row), undoneBySplitId: row.undone_by_split_id })),
    splits: splits.rows.map(toSplit),
    conflicts: conflicts.rows.map((row) => ({
      conflictId: row.conflict_id,
      kind: row.kind,
      profileId: row.profile_id,
      otherProfileId: row.other_profile_id,
      identifier: { type: row.identifier_type, value: row.identifier_value },
      reason: row.reason,
      firstMessageId: row.first_message_id,
      lastMessageId: row.last_message_id,
      occurrences: Number(row.occurrences),
      firstAt: Number(row.first_at),
      lastAt: Number(row.last_at),
    })),
  };
}
