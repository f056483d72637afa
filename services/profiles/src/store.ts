import type { Queryable } from '@cjo/db';
import type { Traits } from './traits';

export interface ProfileRow {
  id: string;
  traits: Traits;
  eventCount: number;
  firstSeen: Date;
  lastSeen: Date;
}

interface ProfileDbRow {
  id: string;
  traits: Traits;
  /** @cjo/db returns int8 as a number, or a bigint beyond 2^53. */
  event_count: number | bigint;
  first_seen: Date;
  last_seen: Date;
}

function toProfile(row: ProfileDbRow): ProfileRow {
  return {
    id: row.id,
    traits: row.traits,
    eventCount: Number(row.event_count),
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
}

const PROFILE_COLUMNS = 'id, traits, event_count, first_seen, last_seen';

/** False when this message was already recorded for the profile (a redelivery). */
export async function insertProfileEvent(
  db: Queryable,
  event: { profileId: string; messageId: string; type: string; event: string | null; occurredAt: number },
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO profile_events (profile_id, message_id, type, event, occurred_at)
     VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0))
     ON CONFLICT (profile_id, message_id) DO NOTHING
     RETURNING message_id`,
    [event.profileId, event.messageId, event.type, event.event, event.occurredAt],
  );
  return rows.length === 1;
}

/** Creates the profile on first sight and locks its row for the rest of the transaction. */
export async function lockProfile(db: Queryable, profileId: string, seenAt: number): Promise<ProfileRow> {
  await db.query(
    `INSERT INTO profiles (id, traits, event_count, first_seen, last_seen)
     VALUES ($1, '{}'::jsonb, 0, to_timestamp($2 / 1000.0), to_timestamp($2 / 1000.0))
     ON CONFLICT (id) DO NOTHING`,
    [profileId, seenAt],
  );
  const { rows } = await db.query<ProfileDbRow>(`SELECT ${PROFILE_COLUMNS} FROM profiles WHERE id = $1 FOR UPDATE`, [
    profileId,
  ]);
  const row = rows[0];
  if (row === undefined) throw new Error(`profile ${profileId} vanished right after its upsert`);
  return toProfile(row);
}

export async function recordProfileEvent(
  db: Queryable,
  update: { profileId: string; traits: Traits; seenAt: number },
): Promise<ProfileRow> {
  const { rows } = await db.query<ProfileDbRow>(
    `UPDATE profiles
        SET traits = $2::jsonb,
            event_count = event_count + 1,
            first_seen = LEAST(first_seen, to_timestamp($3 / 1000.0)),
            last_seen = GREATEST(last_seen, to_timestamp($3 / 1000.0))
      WHERE id = $1
      RETURNING ${PROFILE_COLUMNS}`,
    [update.profileId, JSON.stringify(update.traits), update.seenAt],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`profile ${update.profileId} is not there to update`);
  return toProfile(row);
}

export async function findProfile(db: Queryable, profileId: string): Promise<ProfileRow | null> {
  const { rows } = await db.query<ProfileDbRow>(`SELECT ${PROFILE_COLUMNS} FROM profiles WHERE id = $1`, [profileId]);
  const row = rows[0];
  return row === undefined ? null : toProfile(row);
}
