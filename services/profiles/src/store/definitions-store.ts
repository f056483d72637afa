import type { Queryable } from '@cjo/db';

export interface SegmentRow {
  id: string;
  name: string;
  description: string | null;
  rule: unknown;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface ComputedTraitRow {
  id: string;
  name: string;
  description: string | null;
  /** The definition as the admin API took it (function, event, property, where, window). */
  definition: Record<string, unknown>;
  aggregateId: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}

interface SegmentDbRow {
  id: string;
  name: string;
  description: string | null;
  rule: unknown;
  version: number;
  created_ms: number | bigint;
  updated_ms: number | bigint;
}

interface ComputedTraitDbRow {
  id: string;
  name: string;
  description: string | null;
  definition: Record<string, unknown>;
  aggregate_id: string;
  version: number;
  created_ms: number | bigint;
  updated_ms: number | bigint;
}

const SEGMENT_COLUMNS = 'id, name, description, rule, version, ts_to_ms(created_at) AS created_ms, ts_to_ms(updated_at) AS updated_ms';
const TRAIT_COLUMNS =
  'id, name, description, definition, aggregate_id, version, ts_to_ms(created_at) AS created_ms, ts_to_ms(updated_at) AS updated_ms';

const toSegment = (row: SegmentDbRow): SegmentRow => ({
  id: row.id,
  name: row.name,
  description: row.description,
  rule: row.rule,
  version: row.version,
  createdAt: Number(row.created_ms),
  updatedAt: Number(row.updated_ms),
});

const toComputedTrait = (row: ComputedTraitDbRow): ComputedTraitRow => ({
  id: row.id,
  name: row.name,
  description: row.description,
  definition: row.definition,
  aggregateId: row.aggregate_id,
  version: row.version,
  createdAt: Number(row.created_ms),
  updatedAt: Number(row.updated_ms),
});

export async function readGeneration(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ generation: number | bigint }>('SELECT generation FROM catalog_generation');
  return Number(rows[0]?.generation ?? 0);
}

/** Every instance reloads its definitions at its next batch. Call in the transaction that changed them. */
export async function bumpGeneration(db: Queryable): Promise<void> {
  await db.query('UPDATE catalog_generation SET generation = generation + 1');
}

export async function liveSegments(db: Queryable): Promise<SegmentRow[]> {
  const { rows } = await db.query<SegmentDbRow>(`SELECT ${SEGMENT_COLUMNS} FROM segments WHERE deleted_at IS NULL ORDER BY created_at, id`);
  return rows.map(toSegment);
}

export async function findSegment(db: Queryable, id: string, lock = false): Promise<SegmentRow | null> {
  const { rows } = await db.query<SegmentDbRow>(
    `SELECT ${SEGMENT_COLUMNS} FROM segments WHERE id = $1 AND deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] === undefined ? null : toSegment(rows[0]);
}

/** The current version of a segment, or null once it is deleted. */
export async function segmentVersion(db: Queryable, id: string): Promise<number | null> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM segments WHERE id = $1 AND deleted_at IS NULL', [id]);
  return rows[0]?.version ?? null;
}

export async function insertSegment(db: Queryable, segment: SegmentRow): Promise<void> {
  await db.query(
    `INSERT INTO segments (id, name, description, rule, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, ms_to_ts($6), ms_to_ts($7))`,
    [segment.id, segment.name, segment.description, JSON.stringify(segment.rule), segment.version, segment.createdAt, segment.updatedAt],
  );
}

export async function updateSegment(db: Queryable, segment: SegmentRow): Promise<void> {
  await db.query(
    `UPDATE segments SET name = $2, description = $3, rule = $4::jsonb, version = $5, updated_at = ms_to_ts($6) WHERE id = $1`,
    [segment.id, segment.name, segment.description, JSON.stringify(segment.rule), segment.version, segment.updatedAt],
  );
}

export async function markSegmentDeleted(db: Queryable, id: string, version: number, at: number): Promise<void> {
  await db.query('UPDATE segments SET deleted_at = ms_to_ts($2), version = $3, updated_at = ms_to_ts($2) WHERE id = $1', [id, at, version]);
}

export async function segmentNameTaken(db: Queryable, name: string, exceptId: string | null): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM segments WHERE name = $1 AND deleted_at IS NULL AND id IS DISTINCT FROM $2::uuid', [name, exceptId]);
  return rows.length > 0;
}

export async function allComputedTraits(db: Queryable): Promise<ComputedTraitRow[]> {
  const { rows } = await db.query<ComputedTraitDbRow>(`SELECT ${TRAIT_COLUMNS} FROM computed_traits ORDER BY name`);
  return rows.map(toComputedTrait);
}

export async function findComputedTrait(db: Queryable, id: string): Promise<ComputedTraitRow | null> {
  const { rows } = await db.query<ComputedTraitDbRow>(`SELECT ${TRAIT_COLUMNS} FROM computed_traits WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toComputedTrait(rows[0]);
}

export async function computedTraitNameTaken(db: Queryable, name: string, exceptId: string | null): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM computed_traits WHERE name = $1 AND id IS DISTINCT FROM $2::uuid', [name, exceptId]);
  return rows.length > 0;
}

export async function saveComputedTrait(db: Queryable, trait: ComputedTraitRow): Promise<void> {
  await db.query(
    `INSERT INTO computed_traits (id, name, description, definition, aggregate_id, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, ms_to_ts($7), ms_to_ts($8))
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
       definition = EXCLUDED.definition, aggregate_id = EXCLUDED.aggregate_id, version = EXCLUDED.version,
       updated_at = EXCLUDED.updated_at`,
    [
      trait.id,
      trait.name,
      trait.description,
      JSON.stringify(trait.definition),
      trait.aggregateId,
      trait.version,
      trait.createdAt,
      trait.updatedAt,
    ],
  );
}

export async function deleteComputedTrait(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM computed_traits WHERE id = $1', [id]);
}

/** Serialises admin changes to definitions, so two concurrent edits cannot both pass a uniqueness or usage check. */
export async function lockDefinitions(db: Queryable): Promise<void> {
  await db.query('SELECT generation FROM catalog_generation FOR UPDATE');
}
