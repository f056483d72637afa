import { drop, ok, type StepResult } from '@cjo/bus';
import type { IdentitySplit } from '@cjo/contract';
import type { Queryable } from '@cjo/db';
import { occurrenceOf, removeOccurrence } from '../model/aggregate';
import { foldProfile, replayEvents } from '../model/fold-profile';
import { addIdentifiers, normaliseIdentifier, withoutIdentifiers } from '../model/identifiers';
import type { ProfileDraft } from '../model/profile';
import { profileEventOf } from '../model/profile-event';
import { traitsDiff } from '../model/traits';
import { countEventsOf, eventsOf, moveEventsCarrying } from '../store/events-store';
import { replaceGroupLinks } from '../store/groups-store';
import { removeIdentifiers } from '../store/identifiers-store';
import { deleteRedirect, findRedirects, markIdentityChangeApplied } from '../store/redirects-store';
import { findBlocked } from '../store/suppression-store';
import { materialise } from './materialise';
import {
  computedChanges,
  computedValues,
  draftFor,
  evaluateSegments,
  expireWindows,
  loadGroupsOf,
  openWork,
  recordProfileChange,
  type ProfileWork,
} from './profile-work';
import type { ProfilesRuntime, WorkResult } from './runtime';

/**
 * Applies IdentitySplit once (by splitId). The rule: the split-off identifiers move to the new
 * profile, with every stored event that carried one of them (as userId, anonymousId, or the email
 * trait of an identify call). The new profile is built by replaying those events (traits in event
 * order, counters, aggregates, groups); if it already had events of its own, they fold together.
 * The profile split from is rebuilt from its remaining events when its whole history is stored;
 * otherwise (events past retention) it keeps its traits and has the moved events' counts and sums
 * taken off its counters and aggregates. Both are evaluated against every segment.
 */
export async function applySplit(runtime: ProfilesRuntime, tx: Queryable, split: IdentitySplit): Promise<WorkResult<StepResult<null>>> {
  const now = runtime.now();
  if (!(await markIdentityChangeApplied(tx, split.splitId, 'split', now))) {
    return { work: null, value: drop(`split ${split.splitId} was already applied`) };
  }
  const newId = split.newProfileId;
  const fromId = (await findRedirects(tx, [split.fromProfileId])).get(split.fromProfileId) ?? split.fromProfileId;
  // Undoing a merge gives the merged profile's id back: events for it must stop going to the survivor.
  await deleteRedirect(tx, newId);
  if (fromId === newId) return { work: null, value: drop(`split ${split.splitId} splits a profile from itself`) };
  const blocked = await findBlocked(tx, [], [fromId, newId]);
  if (blocked.profiles.size > 0) return { work: null, value: drop(`split ${split.splitId} involves a deleted profile`) };

  const work = await openWork(tx, runtime.catalogs, { ids: [fromId, newId], now });
  await materialise(tx, work, [fromId, newId]);
  const identifiers = split.identifiers.map(normaliseIdentifier);
  const from = work.drafts.get(fromId);
  const existing = work.drafts.get(newId);
  if (existing !== undefined) expireWindows(work, existing);
  const target = draftFor(work, newId, split.splitAt);
  const targetTraits = { ...target.traits };
  const targetBefore = computedValues(work, target, work.catalog.aggregates.map(({ id }) => id));

  if (from !== undefined) {
    expireWindows(work, from);
    const stored = await countEventsOf(tx, fromId);
    const moved = (await moveEventsCarrying(tx, fromId, newId, identifiers)).map(profileEventOf);
    const part = replayEvents(newId, moved, work.catalog.aggregates, now);
    if (existing === undefined) adopt(target, part);
    else foldProfile(target, part, work.catalog.aggregates, []);
    const complete = from.eventCount === stored;
    await rebuildFrom(tx, work, from, moved, complete);
    from.identifiers = withoutIdentifiers(from.identifiers, identifiers);
    await removeIdentifiers(tx, fromId, identifiers);
    if (complete) await replaceGroupLinks(tx, fromId, from.groupIds, now);
    for (const groupId of part.groupIds) work.newGroupLinks.push({ profileId: newId, groupId, joinedAt: now });
  }
  for (const identifier of addIdentifiers(target.identifiers, identifiers)) work.newIdentifiers.push({ profileId: newId, identifier });
  const aggregateIds = work.catalog.aggregates.map(({ id }) => id);
  recordProfileChange(
    work,
    target,
    [...traitsDiff(targetTraits, target.traits), ...computedChanges(targetBefore, computedValues(work, target, aggregateIds))],
    null,
  );
  const drafts = [target, ...(from === undefined ? [] : [from])];
  if (work.catalog.readsGroups) await loadGroupsOf(tx, work, drafts);
  for (const draft of drafts) evaluateSegments(work, draft, work.catalog.segments, 'profile_split', null);
  return { work, value: ok(null) };
}

function adopt(target: ProfileDraft, part: ProfileDraft): void {
  Object.assign(target, { ...part, id: target.id, isNew: target.isNew, identifiers: target.identifiers });
}

/** The profile split from, after its events left: rebuilt from the rest, or corrected when its history is incomplete. */
async function rebuildFrom(
  tx: Queryable,
  work: ProfileWork,
  from: ProfileDraft,
  moved: ReturnType<typeof profileEventOf>[],
  complete: boolean,
): Promise<void> {
  const aggregateIds = work.catalog.aggregates.map(({ id }) => id);
  const traitsBefore = { ...from.traits };
  const valuesBefore = computedValues(work, from, aggregateIds);
  if (complete) {
    const remaining = (await eventsOf(tx, from.id)).map(profileEventOf);
    const rebuilt = replayEvents(from.id, remaining, work.catalog.aggregates, work.now);
    Object.assign(from, {
      traits: rebuilt.traits,
      traitTimes: rebuilt.traitTimes,
      eventCount: rebuilt.eventCount,
      firstSeen: remaining.length === 0 ? from.firstSeen : rebuilt.firstSeen,
      lastSeen: remaining.length === 0 ? from.lastSeen : rebuilt.lastSeen,
      computed: rebuilt.computed,
      groupIds: rebuilt.groupIds,
    });
  } else {
    from.eventCount = Math.max(0, from.eventCount - moved.length);
    for (const { id, spec } of work.catalog.aggregates) {
      const state = from.computed[id];
      if (state === undefined) continue;
      for (const event of moved) {
        const occurrence = occurrenceOf(spec, event);
        if (occurrence !== null) removeOccurrence(spec, state, occurrence);
      }
    }
  }
  work.touched.add(from.id);
  recordProfileChange(
    work,
    from,
    [...traitsDiff(traitsBefore, from.traits), ...computedChanges(valuesBefore, computedValues(work, from, aggregateIds))],
    null,
  );
}
