import type { Queryable } from '@cjo/db';

/** merged-away id → survivor id, for the ids that have one. */
export async function findRedirects(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ merged_id: string; survivor_id: string }>(
    'SELECT merged_id, survivor_id FROM profile_redirects WHERE merged_id = ANY($1::uuid[])',
    [[...ids]],
  );
  return new Map(rows.map((row) => [row.merged_id, row.survivor_id]));
}

/** Records merged → survivor and re-points earlier redirects to `merged` at the survivor, so chains stay one hop. */
export async function addRedirect(
  db: Queryable,
  redirect: { mergedId: string; survivorId: string; mergeId: string; mergedAt: number },
): Promise<void> {
  await db.query('UPDATE profile_redirects SET survivor_id = $2 WHERE survivor_id = $1', [redirect.mergedId, redirect.survivorId]);
  await db.query(
    `INSERT INTO profile_redirects (merged_id, survivor_id, merge_id, merged_at) VALUES ($1, $2, $3, ms_to_ts($4))
     ON CONFLICT (merged_id) DO UPDATE SET survivor_id = EXCLUDED.survivor_id, merge_id = EXCLUDED.merge_id,
       merged_at = EXCLUDED.merged_at`,
    [redirect.mergedId, redirect.survivorId, redirect.mergeId, redirect.mergedAt],
  );
}

/** A split gives a profile id its own life back: events for it must stop going to the survivor. */
export async function deleteRedirect(db: Queryable, mergedId: string): Promise<void> {
  await db.query('DELETE FROM profile_redirects WHERE merged_id = $1', [mergedId]);
}

export async function mergedInto(db: Queryable, survivorId: string): Promise<string[]> {
  const { rows } = await db.query<{ merged_id: string }>(
    'SELECT merged_id FROM profile_redirects WHERE survivor_id = $1 ORDER BY merged_id',
    [survivorId],
  );
  return rows.map((row) => row.merged_id);
}

export async function deleteRedirectsTo(db: Queryable, survivorId: string): Promise<void> {
  await db.query('DELETE FROM profile_redirects WHERE survivor_id = $1', [survivorId]);
}

/** false when this merge or split was applied before (a redelivered record). */
export async function markIdentityChangeApplied(db: Queryable, changeId: string, kind: 'merge' | 'split', at: number): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO identity_changes_applied (change_id, kind, applied_at) VALUES ($1, $2, ms_to_ts($3))
     ON CONFLICT (change_id) DO NOTHING RETURNING change_id`,
    [changeId, kind, at],
  );
  return rows.length === 1;
}
