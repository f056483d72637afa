import type { TraitChange } from '@cjo/contract';
import { combineStates, occurrenceOf, removeOccurrence, type AggregatedEvent } from './aggregate';
import { addIdentifiers } from './identifiers';
import { applyEvent, emptyDraft, type KeyedAggregate, type ProfileDraft } from './profile';
import type { ProfileEvent } from './profile-event';
import { fillTraitGaps } from './traits';

/**
 * The merge rule: `from` folds into `into` (changed in place). Traits: the survivor's values win and
 * the merged profile fills gaps. Counters add up (minus `duplicates`, the events both held), first
 * seen is the earlier, last seen the later. Aggregates combine bucket by bucket (counts and sums
 * add, minimum/maximum/first/last keep the extreme), so the result is the same whether an event
 * reached the merged profile before the merge or the survivor after it. Identifiers and groups unite.
 * Both must hold every aggregate of `aggregates` (see materialise). Returns the trait changes.
 */
export function foldProfile(
  into: ProfileDraft,
  from: ProfileDraft,
  aggregates: readonly KeyedAggregate[],
  duplicates: readonly AggregatedEvent[],
): TraitChange[] {
  const changes = fillTraitGaps(into.traits, into.traitTimes, from.traits, from.traitTimes);
  for (const [name, time] of Object.entries(from.traitTimes)) {
    // A trait the merged profile removed stays removed for older events that arrive later.
    if (into.traitTimes[name] === undefined) into.traitTimes[name] = time;
  }
  into.eventCount = Math.max(0, into.eventCount + from.eventCount - duplicates.length);
  into.firstSeen = Math.min(into.firstSeen, from.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
  for (const { id, spec } of aggregates) {
    const target = (into.computed[id] ??= {});
    const source = from.computed[id];
    if (source !== undefined) combineStates(target, source);
    for (const duplicate of duplicates) {
      const occurrence = occurrenceOf(spec, duplicate);
      if (occurrence !== null) removeOccurrence(spec, target, occurrence);
    }
  }
  addIdentifiers(into.identifiers, from.identifiers);
  for (const groupId of from.groupIds) if (!into.groupIds.includes(groupId)) into.groupIds.push(groupId);
  return changes;
}

/** A profile rebuilt from events alone, oldest first, as if they had been its only ones (a split). */
export function replayEvents(
  id: string,
  events: readonly ProfileEvent[],
  aggregates: readonly KeyedAggregate[],
  now: number,
): ProfileDraft {
  const draft = emptyDraft(id, events[0]?.time ?? now, aggregates);
  for (const event of events) applyEvent(draft, event, aggregates, now);
  return draft;
}
