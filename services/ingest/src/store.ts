import type { Queryable } from '@cjo/db';
import type { SourceRef } from './steps/authenticate';

/** A source as the admin API lists it; the write key hash never leaves the store. */
export interface SourceSummary {
  id: string;
  name: string;
  createdAt: number;
  disabledAt: number | null;
}

interface SourceRow {
  id: string;
  name: string;
  created_ms: string;
  disabled_ms: string | null;
}

const SUMMARY_COLUMNS = `id, name,
  (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms,
  (extract(epoch FROM disabled_at) * 1000)::bigint::text AS disabled_ms`;

function toSummary(row: SourceRow): SourceSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: Number(row.created_ms),
    disabledAt: row.disabled_ms === null ? null : Number(row.disabled_ms),
  };
}

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

export async function findSourceByKeyHash(db: Queryable, writeKeyHash: string): Promise<SourceRef | null> {
  const { rows } = await db.query<{ id: string; disabled: boolean }>(
    'SELECT id, disabled_at IS NOT NULL AS disabled FROM sources WHERE write_key_hash = $1',
    [writeKeyHash],
  );
  const row = rows[0];
  return row === undefined ? null : { id: row.id, disabled: row.disabled };
}

export async function listSources(db: Queryable): Promise<SourceSummary[]> {
  const { rows } = await db.query<SourceRow>(`SELECT ${SUMMARY_COLUMNS} FROM sources ORDER BY created_at, id`);
  return rows.map(toSummary);
}

/** The old hash (so its cache entry can be dropped) and the source, or null when there is no such source. */
export async function replaceWriteKeyHash(
  db: Queryable,
  id: string,
  writeKeyHash: string,
): Promise<{ oldHash: string; source: SourceSummary } | null> {
  const { rows } = await db.query<SourceRow & { old_hash: string }>(
    `WITH old AS (SELECT id, write_key_hash FROM sources WHERE id = $1 FOR UPDATE)
     UPDATE sources s SET write_key_hash = $2 FROM old WHERE s.id = old.id
     RETURNING old.write_key_hash AS old_hash, s.id, s.name,
       (extract(epoch FROM s.created_at) * 1000)::bigint::text AS created_ms,
       (extract(epoch FROM s.disabled_at) * 1000)::bigint::text AS disabled_ms`,
    [id, writeKeyHash],
  );
  const row = rows[0];
  return row === undefined ? null : { oldHash: row.old_hash, source: toSummary(row) };
}

/** Disables the source (keeping the first disabling time); its key hash, or null when there is no such source. */
export async function disableSource(
  db: Queryable,
  id: string,
  at: number,
): Promise<{ writeKeyHash: string; source: SourceSummary } | null> {
  const { rows } = await db.query<SourceRow & { write_key_hash: string }>(
    `UPDATE sources SET disabled_at = COALESCE(disabled_at, to_timestamp($2 / 1000.0)) WHERE id = $1
     RETURNING write_key_hash, ${SUMMARY_COLUMNS}`,
    [id, at],
  );
  const row = rows[0];
  return row === undefined ? null : { writeKeyHash: row.write_key_hash, source: toSummary(row) };
}
