import type { TraitChange } from '@cjo/contract';
import { addOccurrence, occurrenceOf, type AggregateSpec, type AggregateState } from './aggregate';
import { addIdentifiers, type Identifier } from './identifiers';
import type { ProfileEvent } from './profile-event';
import { applyTraitUpdate, type Traits, type TraitTimes } from './traits';

/**
 * A profile as the batch works on it, in memory, between one read and one write. Steps change
 * it in place; `isNew` says the row does not exist yet.
 */
export interface ProfileDraft {
  id: string;
  traits: Traits;
  traitTimes: TraitTimes;
  eventCount: number;
  firstSeen: number;
  lastSeen: number;
  /** Aggregate states by aggregate id. A missing entry was never computed for this profile (see materialise). */
  computed: Record<string, AggregateState>;
  identifiers: Identifier[];
  groupIds: string[];
  /** When the oldest windowed bucket leaves its window, as stored (null: nothing windowed). */
  timerDueAt: number | null;
  isNew: boolean;
}

/** An aggregate with its id, as the catalog hands them out. */
export interface KeyedAggregate {
  id: string;
  spec: AggregateSpec;
}

/** A profile that has no row yet; it has no history, so every aggregate starts out computed and empty. */
export function emptyDraft(id: string, seenAt: number, aggregates: readonly KeyedAggregate[]): ProfileDraft {
  return {
    id,
    traits: {},
    traitTimes: {},
    eventCount: 0,
    firstSeen: seenAt,
    lastSeen: seenAt,
    computed: Object.fromEntries(aggregates.map(({ id: aggregate }) => [aggregate, {}])),
    identifiers: [],
    groupIds: [],
    timerDueAt: null,
    isNew: true,
  };
}

/** What one event changed on its profile: what the segment evaluation and the change records need. */
export interface EventEffects {
  traitChanges: TraitChange[];
  /** Aggregates whose state the event changed. */
  aggregates: string[];
  /** The group a group call added the profile to, when it was not in it yet. */
  joinedGroup: string | null;
  newIdentifiers: Identifier[];
}

/**
 * Applies one event to its profile: counters and first/last seen, identify traits, group
 * membership, identifiers and every aggregate the event matches. Aggregates not computed yet for
 * a profile are skipped: the caller materialises them from its history first.
 */
export function applyEvent(
  draft: ProfileDraft,
  event: ProfileEvent,
  aggregates: readonly KeyedAggregate[],
  now: number,
): EventEffects {
  draft.eventCount += 1;
  draft.firstSeen = Math.min(draft.firstSeen, event.time);
  draft.lastSeen = Math.max(draft.lastSeen, event.time);
  const traitChanges = event.traitUpdate === null ? [] : applyTraitUpdate(draft.traits, draft.traitTimes, event.traitUpdate, event.time);
  let joinedGroup: string | null = null;
  if (event.groupId !== null && !draft.groupIds.includes(event.groupId)) {
    draft.groupIds.push(event.groupId);
    joinedGroup = event.groupId;
  }
  const changed: string[] = [];
  for (const { id, spec } of aggregates) {
    const occurrence = occurrenceOf(spec, event);
    if (occurrence === null) continue;
    const state = draft.computed[id];
    if (state !== undefined && addOccurrence(spec, state, occurrence, now)) changed.push(id);
  }
  return { traitChanges, aggregates: changed, joinedGroup, newIdentifiers: addIdentifiers(draft.identifiers, event.identifiers) };
}
