import type { Queryable } from '@cjo/db';
import type { RawEvent, ResolvedEvent } from '@cjo/contract';
import type { World } from '../scenarios/scenarios';
import type { IdentityHarness } from './identity-harness';

/** A scenario World on a running identity service: events go through its consumer one at a time. */
export function serviceWorld(harness: IdentityHarness, db: Queryable): World {
  const sent = new Set<string>();
  const resolved = new Map<string, ResolvedEvent>();
  return {
    async send(...events: RawEvent[]) {
      for (const event of events) {
        sent.add(event.messageId);
        await harness.publishRaw(event);
        const found = await harness.waitResolved([event.messageId]);
        const record = found.get(event.messageId);
        if (record !== undefined) resolved.set(event.messageId, record);
      }
    },
    async profileOf(messageId) {
      return resolved.get(messageId)?.profileId ?? `unresolved ${messageId}`;
    },
    async linkOf(type, value) {
      const { rows } = await db.query<{ profile_id: string }>('SELECT profile_id FROM identifiers WHERE type = $1 AND value = $2', [type, value]);
      return rows[0]?.profile_id;
    },
    async merges() {
      return harness.merges().filter((merge) => merge.messageId !== null && sent.has(merge.messageId));
    },
    async conflicts() {
      const { rows } = await db.query<{
        kind: string;
        profile_id: string;
        other_profile_id: string | null;
        identifier_type: string;
        identifier_value: string;
      }>(
        `SELECT kind, profile_id, other_profile_id, identifier_type, identifier_value FROM conflicts
          WHERE first_message_id = ANY($1::text[]) ORDER BY first_at, identifier_value`,
        [[...sent]],
      );
      return rows.map((row) => ({
        kind: row.kind,
        profileId: row.profile_id,
        otherProfileId: row.other_profile_id,
        identifier: { type: row.identifier_type, value: row.identifier_value },
      }));
    },
    async dead() {
      return harness.dead.filter((messageId) => sent.has(messageId));
    },
  };
}
