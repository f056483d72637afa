import type { IdentityMerged } from '@cjo/contract';
import { describeIdentifier, keyOf, type Identifier } from '../identifiers';
import type { IdentityRules } from '../rules/identity-rules';
import { mergeProblem, type ConflictKind } from './guardrails';

/** What the planner needs of one event. */
export interface PlannedEvent {
  messageId: string;
  /** The Segment call type (identify, track, alias…), for the reasons written down. */
  callType: string;
  /** In the rules' precedence order. */
  identifiers: Identifier[];
}

export interface StoredProfile {
  profileId: string;
  /** Smaller is older. */
  seq: number;
  identifiers: Identifier[];
}

/** The graph as read from Postgres (or the cache) for one batch. */
export interface GraphSnapshot {
  /** Identifier key -> the live profile it belongs to, for the batch's identifiers that are linked. */
  links: ReadonlyMap<string, string>;
  /** Profiles read in full: inside the write transaction, the locked ones. */
  profiles: ReadonlyMap<string, StoredProfile>;
}

export interface PlannedConflict {
  kind: ConflictKind;
  /** The profile the event went to. */
  profileId: string;
  /** The profile it was not merged with; null when an identifier was not linked because of a limit. */
  otherProfileId: string | null;
  identifier: Identifier;
  reason: string;
  firstMessageId: string;
  lastMessageId: string;
  occurrences: number;
}

export interface BatchPlan {
  /** The live profile of each event at the end of the batch, in order. */
  profileIds: string[];
  /** Identifier key -> live profile at the end of the batch, for every identifier the plan saw linked. */
  links: ReadonlyMap<string, string>;
  /** In creation order; `mergedInto` is set when a later event of the batch merged it away already. */
  newProfiles: Array<{ profileId: string; mergedInto: string | null }>;
  /** Identifiers seen for the first time, each with the live profile at the end of the batch. */
  newLinks: Array<{ identifier: Identifier; profileId: string; messageId: string }>;
  /** Stored profiles merged away: their identifiers move to `finalProfileId`. */
  mergedProfiles: Array<{ profileId: string; mergedInto: string; finalProfileId: string }>;
  merges: IdentityMerged[];
  conflicts: PlannedConflict[];
  /** Stored profiles the plan changes or whose full state it relied on: lock and read these. */
  touched: ReadonlySet<string>;
  /** Touched profiles the snapshot did not hold in full: until this is empty the plan is a draft. */
  missing: ReadonlySet<string>;
}

export interface PlanContext {
  rules: IdentityRules;
  newId: () => string;
  now: number;
}

interface WorkingProfile {
  profileId: string;
  seq: number;
  identifiers: Identifier[];
  mergedInto: string | null;
}

/** New profiles are younger than every stored one (sequence values are handed out in time order). */
const NEW_PROFILE_SEQ = 2 ** 52;

/**
 * Applies the batch's events in order to an in-memory copy of the graph and says what to write.
 * Pure: the same events and snapshot give the same plan (ids and time come from the context).
 *
 * Per event: an event whose identifiers are all linked to one profile changes nothing. Otherwise
 * its target is the profile of its userId; a new userId goes to the first of its profiles that has
 * no userId yet, else to a new profile; without a userId, to the profile of its strongest identifier.
 * Every other profile the event touches is merged with the target (the older one survives) unless
 * the guardrails refuse, which is recorded as a conflict; new identifiers are linked to the target
 * within the per-type limits.
 */
export function planBatch(events: readonly PlannedEvent[], snapshot: GraphSnapshot, context: PlanContext): BatchPlan {
  const links = new Map(snapshot.links);
  const working = new Map<string, WorkingProfile>();
  const touched = new Set<string>();
  const missing = new Set<string>();
  const newProfiles: string[] = [];
  const newLinks: Array<{ identifier: Identifier; messageId: string }> = [];
  const merges: IdentityMerged[] = [];
  const conflicts = new Map<string, PlannedConflict>();
  const resolved: string[] = [];

  const profileOf = (identifier: Identifier): string | undefined => links.get(keyOf(identifier));

  function profile(profileId: string, event: PlannedEvent): WorkingProfile {
    const known = working.get(profileId);
    if (known !== undefined) return known;
    touched.add(profileId);
    const stored = snapshot.profiles.get(profileId);
    if (stored === undefined) missing.add(profileId);
    // A draft for a profile not read in full knows only the event's identifiers on it.
    const loaded: WorkingProfile = stored
      ? { profileId, seq: stored.seq, identifiers: [...stored.identifiers], mergedInto: null }
      : { profileId, seq: 0, identifiers: event.identifiers.filter((i) => profileOf(i) === profileId), mergedInto: null };
    working.set(profileId, loaded);
    return loaded;
  }

  function createProfile(): WorkingProfile {
    const created: WorkingProfile = {
      profileId: context.newId(),
      seq: NEW_PROFILE_SEQ + newProfiles.length,
      identifiers: [],
      mergedInto: null,
    };
    working.set(created.profileId, created);
    newProfiles.push(created.profileId);
    return created;
  }

  function link(identifier: Identifier, target: WorkingProfile, event: PlannedEvent): void {
    links.set(keyOf(identifier), target.profileId);
    target.identifiers.push(identifier);
    newLinks.push({ identifier, messageId: event.messageId });
  }

  function conflict(entry: Omit<PlannedConflict, 'firstMessageId' | 'lastMessageId' | 'occurrences'>, event: PlannedEvent): void {
    const key = [entry.kind, entry.profileId, entry.otherProfileId, keyOf(entry.identifier)].join('|');
    const seen = conflicts.get(key);
    if (seen !== undefined) {
      seen.lastMessageId = event.messageId;
      seen.occurrences += 1;
      return;
    }
    conflicts.set(key, { ...entry, firstMessageId: event.messageId, lastMessageId: event.messageId, occurrences: 1 });
  }

  function merge(target: WorkingProfile, other: WorkingProfile, event: PlannedEvent): WorkingProfile {
    const older = other.seq < target.seq || (other.seq === target.seq && other.profileId < target.profileId);
    const [survivor, merged] = older ? [other, target] : [target, other];
    const onSurvivor = event.identifiers.filter((i) => profileOf(i) === survivor.profileId);
    const onMerged = event.identifiers.filter((i) => profileOf(i) === merged.profileId);
    const problem = mergeProblem(survivor, merged, context.rules);
    if (problem !== null) {
      conflict(
        {
          kind: problem.kind,
          profileId: target.profileId,
          otherProfileId: other.profileId,
          identifier: event.identifiers.find((i) => profileOf(i) === other.profileId) ?? event.identifiers[0]!,
          reason: `${event.callType} ${event.messageId} ties ${describeAll(onMerged)} (profile ${merged.profileId}) to ${describeAll(onSurvivor)} (profile ${survivor.profileId}), not merged: ${problem.reason}`,
        },
        event,
      );
      return target;
    }
    for (const identifier of merged.identifiers) links.set(keyOf(identifier), survivor.profileId);
    merges.push({
      mergeId: context.newId(),
      survivorProfileId: survivor.profileId,
      mergedProfileId: merged.profileId,
      identifiers: [...merged.identifiers],
      linkingIdentifiers: [...onSurvivor, ...onMerged],
      messageId: event.messageId,
      reason: `${event.callType} linked ${describeAll(onMerged)} to ${describeAll(onSurvivor)}`,
      mergedAt: context.now,
    });
    survivor.identifiers.push(...merged.identifiers);
    merged.identifiers = [];
    merged.mergedInto = survivor.profileId;
    return survivor;
  }

  function linkWithinLimit(identifier: Identifier, target: WorkingProfile, event: PlannedEvent): void {
    const limit = context.rules.limitOf(identifier.type);
    const count = target.identifiers.filter((i) => i.type === identifier.type).length;
    if (count < limit) {
      link(identifier, target, event);
      return;
    }
    conflict(
      {
        kind: 'limit_exceeded',
        profileId: target.profileId,
        otherProfileId: null,
        identifier,
        reason: `${event.callType} ${event.messageId} carries ${describeIdentifier(identifier)}, not linked: profile ${target.profileId} already has ${count} ${identifier.type} (limit ${limit})`,
      },
      event,
    );
  }

  for (const event of events) {
    const linked = [...new Set(event.identifiers.map(profileOf).filter((id): id is string => id !== undefined))];
    const unlinked = event.identifiers.filter((identifier) => profileOf(identifier) === undefined);
    if (unlinked.length === 0 && linked.length === 1) {
      resolved.push(linked[0]!);
      continue;
    }
    const profiles = linked.map((profileId) => profile(profileId, event));
    const userId = event.identifiers.find((identifier) => identifier.type === 'userId');
    let target: WorkingProfile;
    if (userId !== undefined && profileOf(userId) !== undefined) {
      target = profile(profileOf(userId)!, event);
    } else if (userId !== undefined) {
      target = profiles.find((candidate) => !candidate.identifiers.some((i) => i.type === 'userId')) ?? createProfile();
      link(userId, target, event);
    } else {
      target = profiles[0] ?? createProfile();
    }
    for (const other of profiles) {
      if (other.mergedInto !== null || other.profileId === target.profileId) continue;
      target = merge(target, other, event);
    }
    for (const identifier of unlinked) {
      if (identifier !== userId) linkWithinLimit(identifier, target, event);
    }
    resolved.push(target.profileId);
  }

  const live = (profileId: string): string => {
    let current = profileId;
    for (let next = working.get(current)?.mergedInto; next !== null && next !== undefined; next = working.get(current)?.mergedInto) {
      current = next;
    }
    return current;
  };
  return {
    profileIds: resolved.map(live),
    links,
    newProfiles: newProfiles.map((profileId) => ({ profileId, mergedInto: working.get(profileId)?.mergedInto ?? null })),
    newLinks: newLinks.map(({ identifier, messageId }) => ({ identifier, messageId, profileId: links.get(keyOf(identifier))! })),
    mergedProfiles: [...working.values()]
      .filter((p) => p.mergedInto !== null && !newProfiles.includes(p.profileId))
      .map((p) => ({ profileId: p.profileId, mergedInto: p.mergedInto!, finalProfileId: live(p.profileId) })),
    merges,
    conflicts: [...conflicts.values()],
    touched,
    missing,
  };
}

/** Whether applying the plan writes anything (most batches of known visitors do not). */
export function planWrites(plan: BatchPlan): boolean {
  return plan.newProfiles.length + plan.newLinks.length + plan.merges.length + plan.conflicts.length > 0;
}

function describeAll(identifiers: Identifier[]): string {
  return identifiers.map(describeIdentifier).join(', ') || 'nothing';
}
