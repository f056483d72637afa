import type { Queryable } from '@cjo/db';
import { CjoError } from '@cjo/errors';
import type { ProfileChanged, SegmentMembershipChanged, TraitChange } from '@cjo/contract';
import type { Catalog, CompiledSegment } from '../catalog/catalog';
import type { CatalogSource } from '../catalog/catalog-source';
import { aggregateValue, nextExpiry, pruneState } from '../model/aggregate';
import type { Identifier } from '../model/identifiers';
import { emptyDraft, type ProfileDraft } from '../model/profile';
import { evaluateRule, nextTimedChange, type EvaluationContext } from '../rules/compiled-rule';
import { earliest } from '../rules/relative-dates';
import { enqueueGroupMembers, linkProfilesToGroups, lockGroups, readGroups, saveGroups, type GroupDraft } from '../store/groups-store';
import { insertIdentifiers } from '../store/identifiers-store';
import { readAfterLock, type Blocked } from '../store/suppression-store';
import {
  writeMemberships,
  type Membership,
  type MembershipRow,
  type Memberships,
} from '../store/memberships-store';
import { lockProfiles, saveProfiles } from '../store/profiles-store';
import { isDeepStrictEqual } from 'node:util';

/** cause of a SegmentMembershipChanged record. */
export type MembershipCause =
  | 'event'
  | 'window_expired'
  | 'backfill'
  | 'segment_changed'
  | 'profile_merged'
  | 'profile_split'
  | 'profile_deleted';

/** The prefix computed-trait changes carry in ProfileChanged (identify traits never start with `$`). */
export const COMPUTED_TRAIT_PREFIX = '$computed.';

/**
 * Everything one transaction works on: the profiles it locked, their segment memberships and
 * groups, in memory; what it changed; the records it will publish. Every path that changes
 * profiles (the event consumer, merges and splits, window timers, backfills, deletions) goes
 * through one of these, so they all write, evaluate and publish the same way.
 */
export interface ProfileWork {
  now: number;
  catalog: Catalog;
  drafts: Map<string, ProfileDraft>;
  memberships: Memberships;
  /** Memberships as loaded, to write only what changed. */
  loadedMemberships: Memberships;
  groups: Map<string, GroupDraft>;
  /** Groups to write (a group call touched them). */
  changedGroups: Set<string>;
  /** Groups whose traits changed, with the message that last changed them: their members are evaluated again. */
  groupTraitChanges: Map<string, string | null>;
  /** Profiles whose row must be written (and whose cache entry dropped). */
  touched: Set<string>;
  /** Profiles whose row is gone after this transaction (merged away or deleted). */
  removed: Set<string>;
  newIdentifiers: Array<{ profileId: string; identifier: Identifier }>;
  newGroupLinks: Array<{ profileId: string; groupId: string; joinedAt: number }>;
  profileChanges: ProfileChanged[];
  membershipChanges: SegmentMembershipChanged[];
  /** Segment evaluations made (a benchmark figure). */
  evaluations: number;
  /** What openWork's checkBlocked found. */
  blocked: Blocked;
}

function copyMemberships(memberships: Memberships): Memberships {
  return new Map([...memberships].map(([id, segments]) => [id, new Map(segments)]));
}

export interface OpenOptions {
  ids: readonly string[];
  now: number;
  /** Groups this transaction will change: locked too. */
  lockGroups?: readonly string[];
  /** Identifier hashes and profile ids to check against the suppression and deleted lists (see work.blocked). */
  checkBlocked?: { hashes: readonly string[]; profileIds: readonly string[] };
  /**
   * The ids were looked up in the redirects before the locks: if one was merged away meanwhile (its row
   * is gone, so the lock found nothing) the transaction must not create it again; it runs again instead.
   */
  failIfRedirected?: boolean;
}

/**
 * Locks the profiles among `ids` that exist, with their memberships, then reads the catalog (after
 * the locks, so a definition committed before a competing writer released them is seen), the
 * suppression checks asked for (in the same round trip) and, when segments read them, the groups.
 */
export async function openWork(tx: Queryable, catalogs: CatalogSource, options: OpenOptions): Promise<ProfileWork> {
  const ids = [...new Set(options.ids)].sort();
  // Memberships come even without live segments: a deleted segment's members still have rows to remove.
  const { drafts, memberships } = await lockProfiles(tx, ids);
  const check = options.checkBlocked ?? { hashes: [], profileIds: [] };
  const { blocked, generation, redirected } = await readAfterLock(tx, { ...check, redirectIds: options.failIfRedirected ? ids : [] });
  if (redirected.size > 0) {
    throw new CjoError('profiles_merged_meanwhile', `profiles ${[...redirected].join(', ')} were merged away meanwhile`, {
      retriable: true,
    });
  }
  const catalog = await catalogs.at(tx, generation);
  const work: ProfileWork = {
    now: options.now,
    catalog,
    drafts,
    memberships,
    loadedMemberships: copyMemberships(memberships),
    groups: new Map(),
    changedGroups: new Set(),
    groupTraitChanges: new Map(),
    touched: new Set(),
    removed: new Set(),
    newIdentifiers: [],
    newGroupLinks: [],
    profileChanges: [],
    membershipChanges: [],
    evaluations: 0,
    blocked,
  };
  for (const [id, group] of await lockGroups(tx, options.lockGroups ?? [], options.now)) work.groups.set(id, group);
  if (catalog.readsGroups) await loadGroupsOf(tx, work, [...drafts.values()]);
  return work;
}

/** Reads the groups of these profiles that the work does not hold yet (for group conditions). */
export async function loadGroupsOf(tx: Queryable, work: ProfileWork, drafts: readonly ProfileDraft[]): Promise<void> {
  const missing = [...new Set(drafts.flatMap((draft) => draft.groupIds))].filter((id) => !work.groups.has(id));
  for (const [id, group] of await readGroups(tx, missing)) work.groups.set(id, group);
}

/** The profile's draft, created (not yet written) when it does not exist. */
export function draftFor(work: ProfileWork, profileId: string, seenAt: number): ProfileDraft {
  let draft = work.drafts.get(profileId);
  if (draft === undefined) {
    draft = emptyDraft(profileId, seenAt, work.catalog.aggregates);
    work.drafts.set(profileId, draft);
    work.memberships.set(profileId, new Map());
  }
  work.touched.add(profileId);
  return draft;
}

export function contextOf(work: ProfileWork, draft: ProfileDraft): EvaluationContext {
  return {
    now: work.now,
    traits: draft.traits,
    aggregate: (id) => {
      const spec = work.catalog.aggregate(id);
      return spec === undefined ? null : aggregateValue(spec, draft.computed[id], work.now);
    },
    groups: () =>
      draft.groupIds.flatMap((id) => {
        const group = work.groups.get(id);
        return group === undefined ? [] : [{ id, traits: group.traits }];
      }),
  };
}

/** Evaluates these segments for the profile and records every entry and exit. */
export function evaluateSegments(
  work: ProfileWork,
  draft: ProfileDraft,
  segments: readonly CompiledSegment[],
  cause: MembershipCause,
  messageId: string | null,
): void {
  if (segments.length === 0) return;
  let current = work.memberships.get(draft.id);
  if (current === undefined) {
    current = new Map<string, Membership>();
    work.memberships.set(draft.id, current);
  }
  const context = contextOf(work, draft);
  for (const segment of segments) {
    work.evaluations += 1;
    // The profile's timer may move (settleTimers), so its row is written even if nothing else changed.
    if (segment.deps.time) work.touched.add(draft.id);
    const member = evaluateRule(segment.rule, context);
    const was = current.get(segment.id);
    if (member === (was !== undefined)) {
      if (was !== undefined && was.version !== segment.version) current.set(segment.id, { ...was, version: segment.version });
      continue;
    }
    if (member) current.set(segment.id, { version: segment.version, enteredAt: work.now });
    else current.delete(segment.id);
    work.touched.add(draft.id);
    work.membershipChanges.push({
      segmentId: segment.id,
      profileId: draft.id,
      change: member ? 'entered' : 'exited',
      cause,
      messageId,
      segmentVersion: segment.version,
      changedAt: work.now,
    });
  }
}

/** Every segment the profile is in leaves it (the profile is merged away or deleted). */
export function exitAllSegments(work: ProfileWork, profileId: string, cause: MembershipCause, messageId: string | null): void {
  const current = work.memberships.get(profileId);
  if (current === undefined) return;
  for (const [segmentId, membership] of current) {
    work.membershipChanges.push({
      segmentId,
      profileId,
      change: 'exited',
      cause,
      messageId,
      segmentVersion: work.catalog.segment(segmentId)?.version ?? membership.version,
      changedAt: work.now,
    });
  }
  current.clear();
}

/**
 * Values of the computed traits built on these aggregates, by trait name, at `at` (default: now).
 * At -Infinity nothing has expired: the value as last written, before expired buckets are pruned.
 */
export function computedValues(
  work: ProfileWork,
  draft: ProfileDraft,
  aggregateIds: Iterable<string>,
  at = work.now,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (work.catalog.computedTraits.length === 0) return values;
  for (const id of aggregateIds) {
    for (const trait of work.catalog.computedTraitsOf(id)) {
      values.set(trait.name, aggregateValue(trait.spec, draft.computed[id], at));
    }
  }
  return values;
}

/** The computed traits whose value moved between two readings, as ProfileChanged entries. */
export function computedChanges(before: Map<string, unknown>, after: Map<string, unknown>): TraitChange[] {
  const changes: TraitChange[] = [];
  for (const [name, value] of after) {
    const old = before.get(name);
    if (isDeepStrictEqual(old, value)) continue;
    changes.push({
      trait: `${COMPUTED_TRAIT_PREFIX}${name}`,
      oldValueJson: old === undefined ? null : JSON.stringify(old),
      newValueJson: JSON.stringify(value),
    });
  }
  return changes;
}

export function recordProfileChange(
  work: ProfileWork,
  draft: ProfileDraft,
  changes: readonly TraitChange[],
  messageId: string | null,
): void {
  if (changes.length === 0) return;
  work.touched.add(draft.id);
  work.profileChanges.push({ profileId: draft.id, messageId, eventCount: draft.eventCount, changes: [...changes], changedAt: work.now });
}

/**
 * Time passed since the profile was last written: windowed buckets left their window, and relative
 * date conditions ("within_last": "7d") may have flipped. Aggregates change without any event, so
 * the segments reading them, and every segment with a relative date condition, are evaluated
 * (cause window_expired) before anything else happens to the profile. The timer worker does this
 * for idle profiles.
 */
export function expireWindows(work: ProfileWork, draft: ProfileDraft): void {
  if (draft.timerDueAt === null || draft.timerDueAt > work.now) return;
  const expired: string[] = [];
  const windowed = work.catalog.aggregates.filter(({ id, spec }) => spec.windowMs !== null && draft.computed[id] !== undefined);
  const before = computedValues(work, draft, windowed.map(({ id }) => id), Number.NEGATIVE_INFINITY);
  for (const { id, spec } of windowed) {
    const state = draft.computed[id];
    if (state !== undefined && pruneState(spec, state, work.now)) expired.push(id);
  }
  work.touched.add(draft.id);
  if (expired.length > 0) recordProfileChange(work, draft, computedChanges(before, computedValues(work, draft, expired)), null);
  const segments = work.catalog.segmentsAffectedBy({ traits: [], aggregates: expired, groups: false, time: true });
  evaluateSegments(work, draft, segments, 'window_expired', null);
}

/**
 * Drops states of aggregates no definition uses any more and sets the profile's timer: the first
 * instant a windowed bucket expires or a relative date condition of a segment flips.
 */
function settleTimers(work: ProfileWork, draft: ProfileDraft): void {
  const instants: Array<number | null> = [];
  for (const id of Object.keys(draft.computed)) {
    const spec = work.catalog.aggregate(id);
    const state = draft.computed[id];
    if (spec === undefined || state === undefined) {
      delete draft.computed[id];
      continue;
    }
    pruneState(spec, state, work.now);
    instants.push(nextExpiry(spec, state));
  }
  if (work.catalog.timedSegments.length > 0) {
    const context = contextOf(work, draft);
    for (const segment of work.catalog.timedSegments) instants.push(nextTimedChange(segment.rule, context));
  }
  draft.timerDueAt = earliest(instants);
}

function membershipWrites(work: ProfileWork): { upserts: MembershipRow[]; deletes: Array<{ segmentId: string; profileId: string }> } {
  const upserts: MembershipRow[] = [];
  const deletes: Array<{ segmentId: string; profileId: string }> = [];
  for (const [profileId, current] of work.memberships) {
    const loaded = work.loadedMemberships.get(profileId) ?? new Map<string, Membership>();
    if (work.removed.has(profileId)) {
      for (const segmentId of loaded.keys()) deletes.push({ segmentId, profileId });
      continue;
    }
    for (const [segmentId, membership] of current) {
      const before = loaded.get(segmentId);
      if (before === undefined || before.version !== membership.version) upserts.push({ segmentId, profileId, ...membership });
    }
    for (const segmentId of loaded.keys()) if (!current.has(segmentId)) deletes.push({ segmentId, profileId });
  }
  return { upserts, deletes };
}

/**
 * Writes what the work changed: profiles (new ones inserted, the others updated in one statement
 * each), memberships, identifiers, groups and group links. A profile another transaction created
 * meanwhile makes the whole transaction retry, so it is read and applied to properly.
 */
export async function saveWork(tx: Queryable, work: ProfileWork): Promise<void> {
  const drafts = [...work.touched]
    .filter((id) => !work.removed.has(id))
    .map((id) => work.drafts.get(id))
    .filter((draft): draft is ProfileDraft => draft !== undefined);
  for (const draft of drafts) settleTimers(work, draft);
  const raced = await saveProfiles(tx, drafts, work.now);
  if (raced.length > 0) {
    throw new CjoError('profiles_concurrent_create', `profiles ${raced.join(', ')} were created by another transaction`, {
      retriable: true,
    });
  }
  const { upserts, deletes } = membershipWrites(work);
  await writeMemberships(tx, upserts, deletes);
  await insertIdentifiers(tx, work.newIdentifiers.filter(({ profileId }) => !work.removed.has(profileId)));
  const groups = [...work.changedGroups].map((id) => work.groups.get(id)).filter((group): group is GroupDraft => group !== undefined);
  await saveGroups(tx, groups);
  await linkProfilesToGroups(tx, work.newGroupLinks.filter(({ profileId }) => !work.removed.has(profileId)));
  if (work.catalog.readsGroupTraits && work.groupTraitChanges.size > 0) {
    // Members evaluated in this batch may have been evaluated before the change: all of them go again.
    await enqueueGroupMembers(tx, work.groupTraitChanges, work.now);
  }
  for (const draft of drafts) draft.isNew = false;
}
