import type { Queryable } from '@cjo/db';
import type { Identifier } from '../model/identifiers';

export async function insertIdentifiers(
  db: Queryable,
  rows: ReadonlyArray<{ profileId: string; identifier: Identifier }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO profile_identifiers (type, value, profile_id)
     SELECT x.type, x.value, x.profile_id FROM jsonb_to_recordset($1::jsonb) AS x(type text, value text, profile_id uuid)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows.map(({ profileId, identifier }) => ({ type: identifier.type, value: identifier.value, profile_id: profileId })))],
  );
}

/** Points every identifier of `from` at `to` (a merge). */
export async function moveAllIdentifiers(db: Queryable, from: string, to: string): Promise<void> {
  await db.query(
    `INSERT INTO profile_identifiers (type, value, profile_id)
     SELECT type, value, $2 FROM profile_identifiers WHERE profile_id = $1
     ON CONFLICT DO NOTHING`,
    [from, to],
  );
  await deleteIdentifiersOf(db, from);
}

/** Takes these identifiers off `from` (a split moves them to the new profile, which inserts its own). */
export async function removeIdentifiers(db: Queryable, from: string, identifiers: readonly Identifier[]): Promise<void> {
  if (identifiers.length === 0) return;
  await db.query(
    `DELETE FROM profile_identifiers
      WHERE profile_id = $1 AND (type, value) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [from, identifiers.map((i) => i.type), identifiers.map((i) => i.value)],
  );
}

export async function identifiersOf(db: Queryable, profileId: string): Promise<Identifier[]> {
  const { rows } = await db.query<Identifier>('SELECT type, value FROM profile_identifiers WHERE profile_id = $1 ORDER BY type, value', [profileId]);
  return rows;
}

export async function deleteIdentifiersOf(db: Queryable, profileId: string): Promise<void> {
  await db.query('DELETE FROM profile_identifiers WHERE profile_id = $1', [profileId]);
}

/** The profile most recently seen with this identifier (an email may be on several). */
export async function findProfileByIdentifier(db: Queryable, identifier: Identifier): Promise<string | null> {
  const { rows } = await db.query<{ profile_id: string }>(
    `SELECT i.profile_id FROM profile_identifiers AS i JOIN profiles AS p ON p.id = i.profile_id
      WHERE i.type = $1 AND i.value = $2 ORDER BY p.last_seen DESC, p.id LIMIT 1`,
    [identifier.type, identifier.value],
  );
  return rows[0]?.profile_id ?? null;
}
