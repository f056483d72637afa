import type { Queryable } from '@cjo/db';
import type { Traits, TraitTimes } from '../model/traits';

export interface GroupDraft {
  id: string;
  traits: Traits;
  traitTimes: TraitTimes;
  firstSeen: number;
  lastSeen: number;
  isNew: boolean;
}

interface GroupDbRow {
  id: string;
  traits: Traits;
  trait_times: TraitTimes;
  first_ms: number | bigint;
  last_ms: number | bigint;
}

const COLUMNS = 'id, traits, trait_times, ts_to_ms(first_seen) AS first_ms, ts_to_ms(last_seen) AS last_ms';

const toDraft = (row: GroupDbRow): GroupDraft => ({
  id: row.id,
  traits: row.traits,
  traitTimes: row.trait_times,
  firstSeen: Number(row.first_ms),
  lastSeen: Number(row.last_ms),
  isNew: false,
});

/** Reads groups (for group conditions), without locking them. */
export async function readGroups(db: Queryable, ids: readonly string[]): Promise<Map<string, GroupDraft>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<GroupDbRow>(`SELECT ${COLUMNS} FROM groups WHERE id = ANY($1::text[])`, [[...ids]]);
  return new Map(rows.map((row) => [row.id, toDraft(row)]));
}

/**
 * Locks groups a transaction will change (always after its profiles, in id order), creating the
 * missing ones first: two batches making the first calls for one group then take turns on one row
 * instead of both creating it and one overwriting the other's traits.
 */
export async function lockGroups(db: Queryable, ids: readonly string[], seenAt: number): Promise<Map<string, GroupDraft>> {
  if (ids.length === 0) return new Map();
  const sorted = [...new Set(ids)].sort();
  await db.query(
    `INSERT INTO groups (id, first_seen, last_seen)
     SELECT id, ms_to_ts($2), ms_to_ts($2) FROM unnest($1::text[]) AS id ORDER BY id
     ON CONFLICT (id) DO NOTHING`,
    [sorted, seenAt],
  );
  const { rows } = await db.query<GroupDbRow>(
    `SELECT ${COLUMNS} FROM groups WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [sorted],
  );
  return new Map(rows.map((row) => [row.id, toDraft(row)]));
}

export async function saveGroups(db: Queryable, groups: readonly GroupDraft[]): Promise<void> {
  if (groups.length === 0) return;
  await db.query(
    `INSERT INTO groups (id, traits, trait_times, first_seen, last_seen)
     SELECT x.id, x.traits, x.trait_times, ms_to_ts(x.first_seen), ms_to_ts(x.last_seen)
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, traits jsonb, trait_times jsonb, first_seen bigint, last_seen bigint)
      ORDER BY x.id
     ON CONFLICT (id) DO UPDATE SET traits = EXCLUDED.traits, trait_times = EXCLUDED.trait_times,
       first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen`,
    [
      JSON.stringify(
        groups.map((group) => ({
          id: group.id,
          traits: group.traits,
          trait_times: group.traitTimes,
          first_seen: group.firstSeen,
          last_seen: group.lastSeen,
        })),
      ),
    ],
  );
}

export async function linkProfilesToGroups(
  db: Queryable,
  links: ReadonlyArray<{ profileId: string; groupId: string; joinedAt: number }>,
): Promise<void> {
  if (links.length === 0) return;
  await db.query(
    `INSERT INTO profile_groups (profile_id, group_id, joined_at)
     SELECT x.profile_id, x.group_id, ms_to_ts(x.joined_at)
       FROM jsonb_to_recordset($1::jsonb) AS x(profile_id uuid, group_id text, joined_at bigint)
     ON CONFLICT (profile_id, group_id) DO NOTHING`,
    [JSON.stringify(links.map((link) => ({ profile_id: link.profileId, group_id: link.groupId, joined_at: link.joinedAt })))],
  );
}

/** Moves a profile's group links to another profile (a merge); links both had are kept once. */
export async function moveGroupLinks(db: Queryable, from: string, to: string): Promise<void> {
  await db.query(
    `INSERT INTO profile_groups (profile_id, group_id, joined_at)
     SELECT $2, group_id, joined_at FROM profile_groups WHERE profile_id = $1
     ON CONFLICT (profile_id, group_id) DO UPDATE SET joined_at = LEAST(profile_groups.joined_at, EXCLUDED.joined_at)`,
    [from, to],
  );
  await db.query('DELETE FROM profile_groups WHERE profile_id = $1', [from]);
}

export async function replaceGroupLinks(db: Queryable, profileId: string, groupIds: readonly string[], at: number): Promise<void> {
  await db.query('DELETE FROM profile_groups WHERE profile_id = $1 AND NOT (group_id = ANY($2::text[]))', [profileId, [...groupIds]]);
  await linkProfilesToGroups(db, groupIds.map((groupId) => ({ profileId, groupId, joinedAt: at })));
}

export async function deleteGroupLinksOf(db: Queryable, profileId: string): Promise<void> {
  await db.query('DELETE FROM profile_groups WHERE profile_id = $1', [profileId]);
}

export async function groupView(db: Queryable, groupId: string): Promise<(GroupDraft & { memberCount: number }) | null> {
  const { rows } = await db.query<GroupDbRow & { members: number | bigint }>(
    `SELECT ${COLUMNS}, (SELECT count(*) FROM profile_groups WHERE group_id = $1) AS members FROM groups WHERE id = $1`,
    [groupId],
  );
  const row = rows[0];
  return row === undefined ? null : { ...toDraft(row), memberCount: Number(row.members) };
}

/** Queues every member of these groups for evaluation: a group call changed the group's traits (messageId). */
export async function enqueueGroupMembers(
  db: Queryable,
  changed: ReadonlyMap<string, string | null>,
  at: number,
): Promise<void> {
  if (changed.size === 0) return;
  await db.query(
    `INSERT INTO pending_evaluations (profile_id, cause, message_id, enqueued_at)
     SELECT DISTINCT ON (g.profile_id) g.profile_id, 'event', x.message_id, ms_to_ts($2)
       FROM jsonb_to_recordset($1::jsonb) AS x(group_id text, message_id text)
       JOIN profile_groups AS g ON g.group_id = x.group_id
      ORDER BY g.profile_id
     ON CONFLICT (profile_id) DO UPDATE SET message_id = EXCLUDED.message_id`,
    [JSON.stringify([...changed].map(([groupId, messageId]) => ({ group_id: groupId, message_id: messageId }))), at],
  );
}

export interface PendingEvaluation {
  profileId: string;
  cause: string;
  messageId: string | null;
}

/** Takes up to `limit` queued profiles, skipping rows another instance is taking. */
export async function takePendingEvaluations(db: Queryable, limit: number): Promise<PendingEvaluation[]> {
  const { rows } = await db.query<{ profile_id: string; cause: string; message_id: string | null }>(
    `DELETE FROM pending_evaluations WHERE profile_id IN (
       SELECT profile_id FROM pending_evaluations ORDER BY enqueued_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING profile_id, cause, message_id`,
    [limit],
  );
  return rows.map((row) => ({ profileId: row.profile_id, cause: row.cause, messageId: row.message_id }));
}

export async function deletePendingEvaluation(db: Queryable, profileId: string): Promise<void> {
  await db.query('DELETE FROM pending_evaluations WHERE profile_id = $1', [profileId]);
}
