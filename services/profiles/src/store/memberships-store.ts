import type { Queryable } from '@cjo/db';

export interface Membership {
  version: number;
  enteredAt: number;
}

/** profile id → segment id → membership. */
export type Memberships = Map<string, Map<string, Membership>>;

/** Memberships of `profileIds` (an empty map for each); only `existing` are looked up (default: all). */
export async function loadMemberships(
  db: Queryable,
  profileIds: readonly string[],
  existing: readonly string[] = profileIds,
): Promise<Memberships> {
  const memberships: Memberships = new Map(profileIds.map((id) => [id, new Map<string, Membership>()]));
  if (existing.length === 0) return memberships;
  const { rows } = await db.query<{ profile_id: string; segment_id: string; segment_version: number; entered_ms: number | bigint }>(
    `SELECT profile_id, segment_id, segment_version, ts_to_ms(entered_at) AS entered_ms
       FROM segment_members WHERE profile_id = ANY($1::uuid[])`,
    [[...existing]],
  );
  for (const row of rows) {
    memberships.get(row.profile_id)?.set(row.segment_id, { version: row.segment_version, enteredAt: Number(row.entered_ms) });
  }
  return memberships;
}

export interface MembershipRow {
  segmentId: string;
  profileId: string;
  version: number;
  enteredAt: number;
}

/** Writes the memberships that changed in one statement: `upserts` entered (or got a new version), `deletes` left. */
export async function writeMemberships(
  db: Queryable,
  upserts: readonly MembershipRow[],
  deletes: ReadonlyArray<{ segmentId: string; profileId: string }>,
): Promise<void> {
  if (upserts.length === 0 && deletes.length === 0) return;
  await db.query(
    `WITH gone AS (
       DELETE FROM segment_members AS m
        USING jsonb_to_recordset($2::jsonb) AS x(segment_id uuid, profile_id uuid)
        WHERE m.segment_id = x.segment_id AND m.profile_id = x.profile_id
     )
     INSERT INTO segment_members (segment_id, profile_id, segment_version, entered_at)
     SELECT x.segment_id, x.profile_id, x.version, ms_to_ts(x.entered_at)
       FROM jsonb_to_recordset($1::jsonb) AS x(segment_id uuid, profile_id uuid, version integer, entered_at bigint)
     ON CONFLICT (segment_id, profile_id) DO UPDATE SET segment_version = EXCLUDED.segment_version`,
    [
      JSON.stringify(upserts.map((row) => ({ segment_id: row.segmentId, profile_id: row.profileId, version: row.version, entered_at: row.enteredAt }))),
      JSON.stringify(deletes.map((row) => ({ segment_id: row.segmentId, profile_id: row.profileId }))),
    ],
  );
}

export async function membersOf(
  db: Queryable,
  segmentId: string,
  limit: number,
  after: string | null,
): Promise<Array<{ profileId: string; enteredAt: number; version: number }>> {
  const { rows } = await db.query<{ profile_id: string; entered_ms: number | bigint; segment_version: number }>(
    `SELECT profile_id, ts_to_ms(entered_at) AS entered_ms, segment_version FROM segment_members
      WHERE segment_id = $1 AND ($2::uuid IS NULL OR profile_id > $2::uuid)
      ORDER BY profile_id LIMIT $3`,
    [segmentId, after, limit],
  );
  return rows.map((row) => ({ profileId: row.profile_id, enteredAt: Number(row.entered_ms), version: row.segment_version }));
}

export async function countMembers(db: Queryable, segmentId: string): Promise<number> {
  const { rows } = await db.query<{ count: number | bigint }>('SELECT count(*) AS count FROM segment_members WHERE segment_id = $1', [segmentId]);
  return Number(rows[0]?.count ?? 0);
}

/** Member profile ids of a segment after `after`, in id order (a deleted segment's job walks them). */
export async function memberIdsAfter(db: Queryable, segmentId: string, after: string | null, limit: number): Promise<string[]> {
  return (await membersOf(db, segmentId, limit, after)).map((member) => member.profileId);
}
