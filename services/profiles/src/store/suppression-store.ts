import type { Queryable } from '@cjo/db';

export interface Blocked {
  /** Identifier hashes on the suppression list. */
  hashes: Set<string>;
  /** Deleted profile ids. */
  profiles: Set<string>;
}

/** Which of these identifier hashes are suppressed and which of these profiles were deleted, in one round trip. */
export async function findBlocked(db: Queryable, hashes: readonly string[], profileIds: readonly string[]): Promise<Blocked> {
  return (await readAfterLock(db, { hashes, profileIds, redirectIds: [] })).blocked;
}

export interface AfterLockReads {
  blocked: Blocked;
  generation: number;
  /** Of the ids asked about, those that have a merge redirect now (merged away since the caller looked). */
  redirected: Set<string>;
}

/**
 * What a transaction reads right after taking its locks, in one round trip: the catalog generation,
 * which identifier hashes are suppressed and which profiles were deleted, and which of `redirectIds`
 * were merged away meanwhile.
 */
export async function readAfterLock(
  db: Queryable,
  check: { hashes: readonly string[]; profileIds: readonly string[]; redirectIds: readonly string[] },
): Promise<AfterLockReads> {
  const reads: AfterLockReads = { blocked: { hashes: new Set(), profiles: new Set() }, generation: 0, redirected: new Set() };
  const { rows } = await db.query<{ kind: string; key: string }>(
    `SELECT 'g' AS kind, generation::text AS key FROM catalog_generation
     UNION ALL
     SELECT 'h', hash FROM suppressed_identifiers WHERE hash = ANY($1::text[])
     UNION ALL
     SELECT 'p', profile_id::text FROM deleted_profiles WHERE profile_id = ANY($2::uuid[])
     UNION ALL
     SELECT 'r', merged_id::text FROM profile_redirects WHERE merged_id = ANY($3::uuid[])`,
    [[...check.hashes], [...check.profileIds], [...check.redirectIds]],
  );
  for (const row of rows) {
    if (row.kind === 'g') reads.generation = Number(row.key);
    else if (row.kind === 'h') reads.blocked.hashes.add(row.key);
    else if (row.kind === 'p') reads.blocked.profiles.add(row.key);
    else reads.redirected.add(row.key);
  }
  return reads;
}

export async function suppress(
  db: Queryable,
  entries: ReadonlyArray<{ hash: string; type: string }>,
  deletionId: string | null,
  at: number,
): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO suppressed_identifiers (hash, type, deletion_id, suppressed_at)
     SELECT x.hash, x.type, $2, ms_to_ts($3) FROM jsonb_to_recordset($1::jsonb) AS x(hash text, type text)
     ON CONFLICT (hash) DO NOTHING`,
    [JSON.stringify(entries), deletionId, at],
  );
}

export async function tombstone(db: Queryable, profileIds: readonly string[], deletionId: string, at: number): Promise<void> {
  if (profileIds.length === 0) return;
  await db.query(
    `INSERT INTO deleted_profiles (profile_id, deletion_id, deleted_at)
     SELECT unnest($1::uuid[]), $2, ms_to_ts($3) ON CONFLICT (profile_id) DO NOTHING`,
    [[...profileIds], deletionId, at],
  );
}

export async function findTombstone(db: Queryable, profileId: string): Promise<{ deletionId: string; deletedAt: number } | null> {
  const { rows } = await db.query<{ deletion_id: string; deleted_ms: number | bigint }>(
    'SELECT deletion_id, ts_to_ms(deleted_at) AS deleted_ms FROM deleted_profiles WHERE profile_id = $1',
    [profileId],
  );
  const row = rows[0];
  return row === undefined ? null : { deletionId: row.deletion_id, deletedAt: Number(row.deleted_ms) };
}

export interface Suppression {
  hash: string;
  type: string;
  deletionId: string | null;
  suppressedAt: number;
}

interface SuppressionRow {
  hash: string;
  type: string;
  deletion_id: string | null;
  suppressed_ms: number | bigint;
}

const toSuppression = (row: SuppressionRow): Suppression => ({
  hash: row.hash,
  type: row.type,
  deletionId: row.deletion_id,
  suppressedAt: Number(row.suppressed_ms),
});

export async function findSuppression(db: Queryable, hash: string): Promise<Suppression | null> {
  const { rows } = await db.query<SuppressionRow>(
    'SELECT hash, type, deletion_id, ts_to_ms(suppressed_at) AS suppressed_ms FROM suppressed_identifiers WHERE hash = $1',
    [hash],
  );
  return rows[0] === undefined ? null : toSuppression(rows[0]);
}

export async function listSuppressions(db: Queryable, limit: number, after: string | null): Promise<Suppression[]> {
  const { rows } = await db.query<SuppressionRow>(
    `SELECT hash, type, deletion_id, ts_to_ms(suppressed_at) AS suppressed_ms FROM suppressed_identifiers
      WHERE ($1::text IS NULL OR hash > $1) ORDER BY hash LIMIT $2`,
    [after, limit],
  );
  return rows.map(toSuppression);
}

/**
 * Takes an identifier off the list. Once no identifier of its deletion is suppressed any more, the
 * deleted profile ids of that deletion accept events again too. Returns false when it was not suppressed.
 */
export async function liftSuppression(db: Queryable, hash: string): Promise<boolean> {
  const { rows } = await db.query<{ deletion_id: string | null }>(
    'DELETE FROM suppressed_identifiers WHERE hash = $1 RETURNING deletion_id',
    [hash],
  );
  const row = rows[0];
  if (row === undefined) return false;
  if (row.deletion_id !== null) {
    await db.query(
      `DELETE FROM deleted_profiles WHERE deletion_id = $1
         AND NOT EXISTS (SELECT 1 FROM suppressed_identifiers WHERE deletion_id = $1)`,
      [row.deletion_id],
    );
  }
  return true;
}
