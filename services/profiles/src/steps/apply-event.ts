import { drop, ok, type StepResult } from '@cjo/bus';
import type { Queryable } from '@cjo/db';
import type { ProfileChanged, ResolvedEvent } from '@cjo/contract';
import { insertProfileEvent, lockProfile, recordProfileEvent } from '../store';
import type { Traits } from '../traits';
import { mergeTraits } from './merge-traits';

/**
 * Applies one event to its profile inside the caller's transaction and
 * describes the change. Database errors are thrown, not returned, so the
 * transaction rolls back; a message seen before is dropped.
 */
export async function applyEvent(
  tx: Queryable,
  event: ResolvedEvent,
  incomingTraits: Traits,
  changedAt: number,
): Promise<StepResult<ProfileChanged>> {
  const profile = await lockProfile(tx, event.profileId, event.timestamp);
  const isNew = await insertProfileEvent(tx, {
    profileId: event.profileId,
    messageId: event.messageId,
    type: event.type,
    event: event.event,
    occurredAt: event.timestamp,
  });
  if (!isNew) return drop(`message ${event.messageId} was already applied to profile ${event.profileId}`);
  const merged = mergeTraits(profile.traits, incomingTraits);
  const updated = await recordProfileEvent(tx, {
    profileId: event.profileId,
    traits: merged.traits,
    seenAt: event.timestamp,
  });
  return ok({
    profileId: event.profileId,
    messageId: event.messageId,
    eventCount: updated.eventCount,
    changes: merged.changes,
    changedAt,
  });
}
