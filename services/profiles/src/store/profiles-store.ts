import type { Queryable } from '@cjo/db';
import { loadMemberships, type Memberships } from './memberships-store';
import type { AggregateState } from '../model/aggregate';
import type { Identifier } from '../model/identifiers';
import type { ProfileDraft } from '../model/profile';
import type { Traits, TraitTimes } from '../model/traits';

interface ProfileDbRow {
  id: string;
  traits: Traits;
  trait_times: TraitTimes;
  /** @cjo/db returns int8 as a number, or a bigint beyond 2^53. */
  event_count: number | bigint;
  first_seen_ms: number | bigint;
  last_seen_ms: number | bigint;
  computed: Record<string, AggregateState>;
  identifiers: Identifier[];
  group_ids: string[];
  timer_ms: number | bigint | null;
}

const COLUMNS = `id, traits, trait_times, event_count, ts_to_ms(first_seen) AS first_seen_ms, ts_to_ms(last_seen) AS last_seen_ms,
  computed, identifiers, group_ids, ts_to_ms(timer_due_at) AS timer_ms`;

function toDraft(row: ProfileDbRow): ProfileDraft {
  return {
    id: row.id,
    traits: row.traits,
    traitTimes: row.trait_times,
    eventCount: Number(row.event_count),
    firstSeen: Number(row.first_seen_ms),
    lastSeen: Number(row.last_seen_ms),
    computed: row.computed,
    identifiers: row.identifiers,
    groupIds: row.group_ids,
    timerDueAt: row.timer_ms === null ? null : Number(row.timer_ms),
    isNew: false,
  };
}

/**
 * Reads and locks the profiles that exist among `ids` for the rest of the transaction, then reads
 * their segment memberships (a lookup per row inside the locking query costs more than one bulk
 * read after it). Always in id order, everywhere, so two transactions locking overlapping sets
 * cannot deadlock on them.
 */
export async function lockProfiles(
  db: Queryable,
  ids: readonly string[],
): Promise<{ drafts: Map<string, ProfileDraft>; memberships: Memberships }> {
  if (ids.length === 0) return { drafts: new Map(), memberships: new Map() };
  const { rows } = await db.query<ProfileDbRow>(
    `SELECT ${COLUMNS} FROM profiles WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [[...ids]],
  );
  const drafts = new Map(rows.map((row) => [row.id, toDraft(row)]));
  // A profile that does not exist has no memberships: only the locked ones are asked about.
  const memberships = await loadMemberships(db, ids, [...drafts.keys()]);
  return { drafts, memberships };
}

/** Locks up to `limit` profiles whose window timer is due, skipping those another transaction holds. */
export async function lockDueProfileIds(db: Queryable, now: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM profiles WHERE timer_due_at <= ms_to_ts($1) ORDER BY timer_due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map((row) => row.id);
}

export async function readProfiles(db: Queryable, ids: readonly string[]): Promise<Map<string, ProfileDraft>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<ProfileDbRow>(`SELECT ${COLUMNS} FROM profiles WHERE id = ANY($1::uuid[])`, [[...ids]]);
  return new Map(rows.map((row) => [row.id, toDraft(row)]));
}

/** The next `limit` profile ids after `after` (a backfill walks every profile this way). */
export async function profileIdsAfter(db: Queryable, after: string | null, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM profiles WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
    [after, limit],
  );
  return rows.map((row) => row.id);
}

export async function countProfiles(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ count: number | bigint }>('SELECT count(*) AS count FROM profiles');
  return Number(rows[0]?.count ?? 0);
}

function recordsOf(drafts: readonly ProfileDraft[]): string {
  return JSON.stringify(
    drafts.map((draft) => ({
      id: draft.id,
      traits: draft.traits,
      trait_times: draft.traitTimes,
      event_count: draft.eventCount,
      first_seen: draft.firstSeen,
      last_seen: draft.lastSeen,
      computed: draft.computed,
      identifiers: draft.identifiers,
      group_ids: draft.groupIds,
      timer_due: draft.timerDueAt,
    })),
  );
}

const RECORDSET = `jsonb_to_recordset($1::jsonb) AS x(id uuid, traits jsonb, trait_times jsonb, event_count bigint,
  first_seen bigint, last_seen bigint, computed jsonb, identifiers jsonb, group_ids jsonb, timer_due bigint)`;

/**
 * Writes profiles: existing ones with one UPDATE (their version goes up), new ones with one INSERT.
 * A new profile that another transaction created meanwhile is left alone and its id returned (none,
 * normally), so the caller runs again on the stored row.
 */
export async function saveProfiles(db: Queryable, drafts: readonly ProfileDraft[], now: number): Promise<string[]> {
  const existing = drafts.filter((draft) => !draft.isNew);
  const created = drafts.filter((draft) => draft.isNew);
  if (existing.length > 0) {
    await db.query(
      `UPDATE profiles AS p
          SET traits = x.traits, trait_times = x.trait_times, event_count = x.event_count,
              first_seen = ms_to_ts(x.first_seen), last_seen = ms_to_ts(x.last_seen), computed = x.computed,
              identifiers = x.identifiers, group_ids = x.group_ids, timer_due_at = ms_to_ts(x.timer_due),
              updated_at = ms_to_ts($2), version = p.version + 1
         FROM ${RECORDSET}
        WHERE p.id = x.id`,
      [recordsOf(existing), now],
    );
  }
  if (created.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO profiles (id, traits, trait_times, event_count, first_seen, last_seen, computed, identifiers, group_ids,
                           timer_due_at, created_at, updated_at, version)
     SELECT x.id, x.traits, x.trait_times, x.event_count, ms_to_ts(x.first_seen), ms_to_ts(x.last_seen), x.computed,
            x.identifiers, x.group_ids, ms_to_ts(x.timer_due), ms_to_ts($2), ms_to_ts($2), 1
       FROM ${RECORDSET}
      ORDER BY x.id
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [recordsOf(created), now],
  );
  const inserted = new Set(rows.map((row) => row.id));
  return created.filter((draft) => !inserted.has(draft.id)).map((draft) => draft.id);
}

export async function deleteProfiles(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('DELETE FROM profiles WHERE id = ANY($1::uuid[])', [[...ids]]);
}

/**
 * The profile a requested id stands for (itself, or the survivor it was merged into) and the version
 * of its row, in one point read: what the view cache is keyed by. null when there is no such profile.
 */
export async function profileVersion(db: Queryable, requestedId: string): Promise<{ id: string; version: number } | null> {
  const { rows } = await db.query<{ id: string; version: number | bigint }>(
    `SELECT id, version FROM profiles
      WHERE id = COALESCE((SELECT survivor_id FROM profile_redirects WHERE merged_id = $1), $1::uuid)`,
    [requestedId],
  );
  const row = rows[0];
  return row === undefined ? null : { id: row.id, version: Number(row.version) };
}
