import type { Queryable } from '@cjo/db';
import type { Identifier, IdentifierLink, IdentifierType } from './identifiers';

interface LinkRow {
  type: IdentifierType;
  value: string;
  profile_id: string;
}

function toLink(row: LinkRow): IdentifierLink {
  return { type: row.type, value: row.value, profileId: row.profile_id };
}

function columns(identifiers: Identifier[]): [string[], string[]] {
  return [identifiers.map((identifier) => identifier.type), identifiers.map((identifier) => identifier.value)];
}

export async function findLinks(db: Queryable, identifiers: Identifier[]): Promise<IdentifierLink[]> {
  if (identifiers.length === 0) return [];
  const { rows } = await db.query<LinkRow>(
    `SELECT i.type, i.value, i.profile_id
       FROM identifiers i
       JOIN unnest($1::text[], $2::text[]) AS wanted(type, value)
         ON i.type = wanted.type AND i.value = wanted.value`,
    columns(identifiers),
  );
  return rows.map(toLink);
}

/** Existing links win (ON CONFLICT DO NOTHING); callers re-read to learn the stored profile. */
export async function insertLinks(db: Queryable, identifiers: Identifier[], profileId: string): Promise<void> {
  if (identifiers.length === 0) return;
  await db.query(
    `INSERT INTO identifiers (type, value, profile_id)
     SELECT type, value, $3::uuid FROM unnest($1::text[], $2::text[]) AS new_link(type, value)
     ON CONFLICT (type, value) DO NOTHING`,
    [...columns(identifiers), profileId],
  );
}

export async function findIdentifiersOfProfile(db: Queryable, profileId: string): Promise<Identifier[]> {
  const { rows } = await db.query<{ type: IdentifierType; value: string }>(
    'SELECT type, value FROM identifiers WHERE profile_id = $1 ORDER BY created_at, type, value',
    [profileId],
  );
  return rows.map((row) => ({ type: row.type, value: row.value }));
}
