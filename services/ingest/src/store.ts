import type { Queryable } from '@cjo/db';

export async function insertSource(
  db: Queryable,
  source: { id: string; name: string; writeKeyHash: string; createdAt: number },
): Promise<void> {
  await db.query(
    `INSERT INTO sources (id, name, write_key_hash, created_at)
     VALUES ($1, $2, $3, to_timestamp($4 / 1000.0))`,
    [source.id, source.name, source.writeKeyHash, source.createdAt],
  );
}

export async function findEnabledSourceId(db: Queryable, writeKeyHash: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM sources WHERE write_key_hash = $1 AND disabled_at IS NULL',
    [writeKeyHash],
  );
  return rows[0]?.id ?? null;
}
