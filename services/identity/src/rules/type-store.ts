import type { Queryable } from '@cjo/db';
import type { CustomTypeInput, Normalisation } from './identity-rules';

interface TypeRow {
  type: string;
  paths: string[];
  normalisation: Normalisation;
  max_per_profile: number | null;
}

/** Identifier types added through the admin API. */
export async function listStoredTypes(db: Queryable): Promise<CustomTypeInput[]> {
  const { rows } = await db.query<TypeRow>('SELECT type, paths, normalisation, max_per_profile FROM identifier_types ORDER BY type');
  return rows.map((row) => ({ type: row.type, paths: row.paths, normalisation: row.normalisation, maxPerProfile: row.max_per_profile }));
}

export async function saveStoredType(db: Queryable, input: CustomTypeInput): Promise<void> {
  await db.query(
    `INSERT INTO identifier_types (type, paths, normalisation, max_per_profile) VALUES ($1, $2, $3, $4)
     ON CONFLICT (type) DO UPDATE SET paths = EXCLUDED.paths, normalisation = EXCLUDED.normalisation,
       max_per_profile = EXCLUDED.max_per_profile, updated_at = now()`,
    [input.type, input.paths, input.normalisation, input.maxPerProfile],
  );
}

/** Resolves false when there was no such type. */
export async function deleteStoredType(db: Queryable, type: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM identifier_types WHERE type = $1', [type]);
  return rowCount > 0;
}
