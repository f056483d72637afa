import type { Queryable } from '@cjo/db';
import type { IdentityMerged } from '@cjo/contract';
import { CjoError } from '@cjo/errors';
import { compareIdentifiers, keyOf, type Identifier } from '../identifiers';
import type { BatchPlan, StoredProfile } from './plan';

/** Identifier columns as two arrays, the shape `unnest($1::text[], $2::text[])` joins on. */
export function identifierColumns(identifiers: readonly Identifier[]): [string[], string[]] {
  return [identifiers.map((identifier) => identifier.type), identifiers.map((identifier) => identifier.value)];
}

/** Identifier key -> live profile, for those of `identifiers` that are linked. One query. */
export async function findLinks(db: Queryable, identifiers: readonly Identifier[]): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  if (identifiers.length === 0) return links;
  const { rows } = await db.query<{ type: string; value: string; profile_id: string }>(
    `SELECT i.type, i.value, i.profile_id
       FROM unnest($1::text[], $2::text[]) AS wanted(type, value)
       JOIN identifiers i ON i.type = wanted.type AND i.value = wanted.value`,
    identifierColumns(identifiers),
  );
  for (const row of rows) links.set(keyOf(row), row.profile_id);
  return links;
}

/**
 * Locks the live profiles among `profileIds` in id order (every writer locks in this order, so two
 * never wait on each other in a cycle) and reads them in full. A profile merged away or deleted
 * meanwhile is left out: no identifier points to it any more.
 */
export async function lockProfiles(tx: Queryable, profileIds: readonly string[]): Promise<Map<string, StoredProfile>> {
  const profiles = new Map<string, StoredProfile>();
  if (profileIds.length === 0) return profiles;
  const locked = await tx.query<{ profile_id: string; seq: number }>(
    `SELECT profile_id, seq FROM profiles
      WHERE profile_id = ANY($1::uuid[]) AND merged_into IS NULL
      ORDER BY profile_id FOR UPDATE`,
    [[...profileIds].sort()],
  );
  for (const row of locked.rows) profiles.set(row.profile_id, { profileId: row.profile_id, seq: Number(row.seq), identifiers: [] });
  if (profiles.size === 0) return profiles;
  const { rows } = await tx.query<{ profile_id: string; type: string; value: string }>(
    'SELECT profile_id, type, value FROM identifiers WHERE profile_id = ANY($1::uuid[]) ORDER BY created_at, type, value',
    [[...profiles.keys()]],
  );
  for (const row of rows) profiles.get(row.profile_id)?.identifiers.push({ type: row.type, value: row.value });
  return profiles;
}

/** Thrown inside the write transaction when another instance linked one of the batch's new identifiers first. */
export class LinkRaceError extends CjoError {
  constructor(lost: number) {
    super('identity_link_race', `${lost} identifier(s) were linked by another writer meanwhile`, { retriable: true });
  }
}

const toTimestamp = (param: string) => `to_timestamp(${param}::double precision / 1000)`;

/** Writes a plan computed on the locked profiles. Statements are ordered (and rows sorted) so writers never deadlock. */
export async function applyPlan(tx: Queryable, plan: BatchPlan, now: number): Promise<void> {
  if (plan.newProfiles.length > 0) {
    // In creation order, so their seq follows the order the batch created them in.
    await tx.query(
      `INSERT INTO profiles (profile_id, merged_into, merged_at)
       SELECT id, target, CASE WHEN target IS NULL THEN NULL ELSE ${toTimestamp('$3')} END
         FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS created(id, target, n)
        ORDER BY n`,
      [plan.newProfiles.map((p) => p.profileId), plan.newProfiles.map((p) => p.mergedInto), now],
    );
  }
  if (plan.mergedProfiles.length > 0) {
    const merged = [...plan.mergedProfiles].sort((a, b) => (a.profileId < b.profileId ? -1 : 1));
    await tx.query(
      `UPDATE profiles p SET merged_into = m.target, merged_at = ${toTimestamp('$3')}
         FROM unnest($1::uuid[], $2::uuid[]) AS m(id, target) WHERE p.profile_id = m.id`,
      [merged.map((m) => m.profileId), merged.map((m) => m.mergedInto), now],
    );
    await tx.query(
      `UPDATE identifiers i SET profile_id = m.live
         FROM unnest($1::uuid[], $2::uuid[]) AS m(id, live) WHERE i.profile_id = m.id`,
      [merged.map((m) => m.profileId), merged.map((m) => m.finalProfileId)],
    );
  }
  if (plan.newLinks.length > 0) {
    const links = [...plan.newLinks].sort((a, b) => compareIdentifiers(a.identifier, b.identifier));
    const inserted = await tx.query(
      `INSERT INTO identifiers (type, value, profile_id, message_id)
       SELECT type, value, profile_id, message_id
         FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) AS link(type, value, profile_id, message_id)
        ORDER BY type, value
       ON CONFLICT (type, value) DO NOTHING`,
      [...identifierColumns(links.map((l) => l.identifier)), links.map((l) => l.profileId), links.map((l) => l.messageId)],
    );
    if (inserted.rowCount < links.length) throw new LinkRaceError(links.length - inserted.rowCount);
  }
  if (plan.merges.length > 0) await insertMerges(tx, plan.merges);
  if (plan.conflicts.length > 0) {
    const conflicts = [...plan.conflicts].sort((a, b) =>
      [a.kind, a.profileId, a.otherProfileId ?? '', keyOf(a.identifier)].join('|') <
      [b.kind, b.profileId, b.otherProfileId ?? '', keyOf(b.identifier)].join('|')
        ? -1
        : 1,
    );
    await tx.query(
      `INSERT INTO conflicts AS c (conflict_id, kind, profile_id, other_profile_id, identifier_type, identifier_value,
                                   reason, first_message_id, last_message_id, occurrences, first_at, last_at)
       SELECT gen_random_uuid(), x.kind, x.profile_id, x.other_profile_id, x.type, x.value, x.reason,
              x.first_message_id, x.last_message_id, x.occurrences, ${toTimestamp('$2')}, ${toTimestamp('$2')}
         FROM jsonb_to_recordset($1::jsonb) AS x(kind text, profile_id uuid, other_profile_id uuid, type text, value text,
                                                 reason text, first_message_id text, last_message_id text, occurrences int)
       ON CONFLICT ON CONSTRAINT conflicts_case DO UPDATE SET
         reason = EXCLUDED.reason,
         last_message_id = EXCLUDED.last_message_id,
         last_at = EXCLUDED.last_at,
         -- A redelivered batch must not count the same event twice.
         occurrences = c.occurrences + CASE WHEN c.last_message_id = EXCLUDED.last_message_id THEN 0 ELSE EXCLUDED.occurrences END`,
      [
        JSON.stringify(
          conflicts.map((c) => ({
            kind: c.kind,
            profile_id: c.profileId,
            other_profile_id: c.otherProfileId,
            type: c.identifier.type,
            value: c.identifier.value,
            reason: c.reason,
            first_message_id: c.firstMessageId,
            last_message_id: c.lastMessageId,
            occurrences: c.occurrences,
          })),
        ),
        now,
      ],
    );
  }
}

async function insertMerges(tx: Queryable, merges: readonly IdentityMerged[]): Promise<void> {
  await tx.query(
    `INSERT INTO merges (merge_id, survivor_profile_id, merged_profile_id, identifiers, linking_identifiers, message_id, reason, merged_at)
     SELECT x.merge_id, x.survivor, x.merged, x.identifiers, x.linking, x.message_id, x.reason, ${toTimestamp('x.merged_at')}
       FROM jsonb_to_recordset($1::jsonb) AS x(merge_id uuid, survivor uuid, merged uuid, identifiers jsonb, linking jsonb,
                                               message_id text, reason text, merged_at bigint)`,
    [
      JSON.stringify(
        merges.map((m) => ({
          merge_id: m.mergeId,
          survivor: m.survivorProfileId,
          merged: m.mergedProfileId,
          identifiers: m.identifiers,
          linking: m.linkingIdentifiers,
          message_id: m.messageId,
          reason: m.reason,
          merged_at: m.mergedAt,
        })),
      ),
    ],
  );
}
