import { applyTraitUpdate } from '../model/traits';
import { applyEvent } from '../model/profile';
import type { ProfileEvent } from '../model/profile-event';
import {
  computedChanges,
  computedValues,
  draftFor,
  evaluateSegments,
  expireWindows,
  recordProfileChange,
  type ProfileWork,
} from './profile-work';

export interface TargetedEvent {
  /** The profile the event is applied to (a merged-away id is redirected to its survivor). */
  profileId: string;
  event: ProfileEvent;
}

/**
 * Applies events to the work's profiles in order, in memory: each event updates its profile (and
 * group), then the segments reading what it changed are evaluated, so every entry and exit is
 * recorded with the event that caused it. `materialised` lists, by profile, aggregates just
 * computed from history: the first evaluation of such a profile covers their segments too.
 */
export function applyEvents(work: ProfileWork, events: readonly TargetedEvent[], materialised: ReadonlyMap<string, string[]>): void {
  const started = new Set<string>();
  for (const { profileId, event } of events) {
    const existed = work.drafts.has(profileId);
    const draft = draftFor(work, profileId, event.time);
    const first = !started.has(profileId);
    started.add(profileId);
    if (first && existed) expireWindows(work, draft);

    const candidates = work.catalog.aggregatesFor(event.eventKey);
    const before = computedValues(work, draft, candidates.map(({ id }) => id));
    const effects = applyEvent(draft, event, candidates, work.now);
    const groupChanged = applyGroupCall(work, event, effects.joinedGroup !== null);
    for (const identifier of effects.newIdentifiers) work.newIdentifiers.push({ profileId, identifier });
    if (effects.joinedGroup !== null) work.newGroupLinks.push({ profileId, groupId: effects.joinedGroup, joinedAt: event.time });

    const changes = [...effects.traitChanges, ...computedChanges(before, computedValues(work, draft, effects.aggregates))];
    recordProfileChange(work, draft, changes, event.messageId);

    const segments =
      first && !existed
        ? work.catalog.segments
        : work.catalog.segmentsAffectedBy({
            traits: effects.traitChanges.map((change) => change.trait),
            aggregates: first ? [...effects.aggregates, ...(materialised.get(profileId) ?? [])] : effects.aggregates,
            groups: groupChanged,
          });
    evaluateSegments(work, draft, segments, 'event', event.messageId);
  }
}

/** A group call updates the group's own traits; returns whether the profile's group view changed. */
function applyGroupCall(work: ProfileWork, event: ProfileEvent, joined: boolean): boolean {
  if (event.groupId === null || event.groupTraitUpdate === null) return joined;
  let group = work.groups.get(event.groupId);
  if (group === undefined) {
    group = { id: event.groupId, traits: {}, traitTimes: {}, firstSeen: event.time, lastSeen: event.time, isNew: true };
    work.groups.set(event.groupId, group);
  }
  work.changedGroups.add(event.groupId);
  group.firstSeen = Math.min(group.firstSeen, event.time);
  group.lastSeen = Math.max(group.lastSeen, event.time);
  const changes = applyTraitUpdate(group.traits, group.traitTimes, event.groupTraitUpdate, event.time);
  if (changes.length > 0) work.groupTraitChanges.set(event.groupId, event.messageId);
  return joined || changes.length > 0;
}
