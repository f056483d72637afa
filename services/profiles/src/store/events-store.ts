import type { Queryable } from '@cjo/db';
import { ANY_EVENT, eventKeyOf } from '../model/aggregate';
import type { Identifier } from '../model/identifiers';
import type { JsonObject } from '../model/json-values';
import type { ProfileEvent, StoredEvent } from '../model/profile-event';

interface EventDbRow {
  profile_id: string;
  message_id: string;
  type: string;
  event: string | null;
  name: string | null;
  group_id: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  properties: JsonObject;
  occurred_ms: number | bigint;
  received_ms: number | bigint | null;
}

const columnsOf = (alias: string): string =>
  `${alias}profile_id, ${alias}message_id, ${alias}type, ${alias}event, ${alias}name, ${alias}group_id, ${alias}user_id,
   ${alias}anonymous_id, ${alias}properties, ts_to_ms(${alias}occurred_at) AS occurred_ms,
   ts_to_ms(${alias}received_at) AS received_ms`;
const COLUMNS = columnsOf('');

function toStored(row: EventDbRow): StoredEvent {
  return {
    profileId: row.profile_id,
    messageId: row.message_id,
    type: row.type,
    event: row.event,
    name: row.name,
    groupId: row.group_id,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    properties: row.properties,
    time: Number(row.occurred_ms),
    receivedAt: row.received_ms === null ? null : Number(row.received_ms),
  };
}

export const eventKey = (profileId: string, messageId: string): string => `${profileId}\n${messageId}`;

/**
 * Stores each event on its (target) profile once. Returns the keys (eventKey) that were new; the
 * others were stored before (a redelivery) and must not be applied again.
 */
export async function insertEvents(
  db: Queryable,
  events: ReadonlyArray<{ profileId: string; event: ProfileEvent }>,
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const records = events.map(({ profileId, event }) => ({
    profile_id: profileId,
    message_id: event.messageId,
    type: event.type,
    event: event.event,
    name: event.name,
    group_id: event.groupId,
    user_id: event.userId,
    anonymous_id: event.anonymousId,
    properties: event.properties,
    occurred: event.time,
    received: event.receivedAt,
  }));
  const { rows } = await db.query<{ profile_id: string; message_id: string }>(
    `INSERT INTO profile_events (profile_id, message_id, type, event, name, group_id, user_id, anonymous_id, properties,
                                 occurred_at, received_at)
     SELECT x.profile_id, x.message_id, x.type, x.event, x.name, x.group_id, x.user_id, x.anonymous_id, x.properties,
            ms_to_ts(x.occurred), ms_to_ts(x.received)
       FROM jsonb_to_recordset($1::jsonb) AS x(profile_id uuid, message_id text, type text, event text, name text,
            group_id text, user_id text, anonymous_id text, properties jsonb, occurred bigint, received bigint)
     ON CONFLICT (profile_id, message_id) DO NOTHING
     RETURNING profile_id, message_id`,
    [JSON.stringify(records)],
  );
  return new Set(rows.map((row) => eventKey(row.profile_id, row.message_id)));
}

/**
 * The stored events of these profiles that aggregates over `eventKeys` can use, since `since`
 * (ms), oldest first: what a new aggregate is computed from. `$any` in eventKeys means every event.
 */
export async function historyOf(
  db: Queryable,
  profileIds: readonly string[],
  eventKeys: readonly string[],
  since: number,
): Promise<StoredEvent[]> {
  if (profileIds.length === 0 || eventKeys.length === 0) return [];
  const any = eventKeys.includes(ANY_EVENT);
  const { rows } = await db.query<EventDbRow>(
    `SELECT ${COLUMNS} FROM profile_events
      WHERE profile_id = ANY($1::uuid[]) AND occurred_at >= ms_to_ts($2)
        AND ($3 OR COALESCE(CASE WHEN type = 'track' THEN event END, '$' || type) = ANY($4::text[]))
      ORDER BY occurred_at, message_id`,
    [[...profileIds], since, any, [...eventKeys]],
  );
  return rows.map(toStored);
}

export function storedEventKey(event: StoredEvent): string {
  return eventKeyOf(event.type, event.event);
}

/** Every stored event of one profile, oldest first (a split rebuilds profiles from them). */
export async function eventsOf(db: Queryable, profileId: string): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventDbRow>(
    `SELECT ${COLUMNS} FROM profile_events WHERE profile_id = $1 ORDER BY occurred_at, message_id`,
    [profileId],
  );
  return rows.map(toStored);
}

export async function countEventsOf(db: Queryable, profileId: string): Promise<number> {
  const { rows } = await db.query<{ count: number | bigint }>(
    'SELECT count(*) AS count FROM profile_events WHERE profile_id = $1',
    [profileId],
  );
  return Number(rows[0]?.count ?? 0);
}

export interface TimelineCursor {
  time: number;
  messageId: string;
}

/** Newest first; `before` continues after the last event of the previous page. */
export async function timelineOf(
  db: Queryable,
  profileId: string,
  limit: number,
  before: TimelineCursor | null,
): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventDbRow>(
    `SELECT ${COLUMNS} FROM profile_events
      WHERE profile_id = $1
        AND ($2::bigint IS NULL OR (occurred_at, message_id) < (ms_to_ts($2::bigint), $3::text))
      ORDER BY occurred_at DESC, message_id DESC
      LIMIT $4`,
    [profileId, before?.time ?? null, before?.messageId ?? '', limit],
  );
  return rows.map(toStored);
}

/**
 * Moves every event of `from` to `to` (a merge). An event both already hold (the same messageId,
 * resolved once to each before the merge) is kept once; those duplicates are returned.
 */
export async function moveAllEvents(db: Queryable, from: string, to: string): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventDbRow>(
    `DELETE FROM profile_events AS m
      USING profile_events AS s
      WHERE m.profile_id = $1 AND s.profile_id = $2 AND s.message_id = m.message_id
      RETURNING ${columnsOf('m.')}`,
    [from, to],
  );
  await db.query('UPDATE profile_events SET profile_id = $2 WHERE profile_id = $1', [from, to]);
  return rows.map(toStored);
}

/**
 * Moves the events of `from` that carried one of `identifiers` (as userId, anonymousId, or the
 * email trait of an identify call) to `to` (a split); returns them, oldest first.
 */
export async function moveEventsCarrying(
  db: Queryable,
  from: string,
  to: string,
  identifiers: readonly Identifier[],
): Promise<StoredEvent[]> {
  const of = (type: string) => identifiers.filter((identifier) => identifier.type === type).map(({ value }) => value);
  const { rows } = await db.query<EventDbRow>(
    `WITH moved AS (
       DELETE FROM profile_events
        WHERE profile_id = $1
          AND (user_id = ANY($3::text[]) OR anonymous_id = ANY($4::text[])
               OR (type = 'identify' AND lower(btrim(properties->>'email')) = ANY($5::text[])))
        RETURNING *
     ), inserted AS (
       INSERT INTO profile_events (profile_id, message_id, type, event, name, group_id, user_id, anonymous_id, properties,
                                   occurred_at, received_at)
       SELECT $2::uuid, message_id, type, event, name, group_id, user_id, anonymous_id, properties, occurred_at, received_at
         FROM moved
       ON CONFLICT (profile_id, message_id) DO NOTHING
     )
     SELECT ${COLUMNS} FROM moved ORDER BY occurred_at, message_id`,
    [from, to, of('userId'), of('anonymousId'), of('email')],
  );
  return rows.map((row) => ({ ...toStored(row), profileId: to }));
}

export async function deleteEventsOf(db: Queryable, profileId: string): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM profile_events WHERE profile_id = $1', [profileId]);
  return rowCount;
}

/** Deletes up to `limit` events older than `before` (retention); returns how many went. */
export async function pruneEvents(db: Queryable, before: number, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM profile_events WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM profile_events WHERE occurred_at < ms_to_ts($1) LIMIT $2))`,
    [before, limit],
  );
  return rowCount;
}
