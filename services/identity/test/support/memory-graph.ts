import { sampleRawEvent } from '@cjo/service-testkit';
import type { IdentityMerged, RawEvent } from '@cjo/contract';
import { keyOf } from '../../src/identifiers';
import { planBatch, type PlannedConflict, type StoredProfile } from '../../src/graph/plan';
import type { IdentityRules } from '../../src/rules/identity-rules';
import { extractIdentifiers } from '../../src/steps/extract-identifiers';

/**
 * The planner over an in-memory graph that applies its plans: the pure core of resolution, batch
 * after batch, without Postgres. Profile ids are p1, p2… in creation order, merge ids m1, m2….
 */
export function memoryGraph(rules: IdentityRules) {
  const links = new Map<string, string>();
  const profiles = new Map<string, StoredProfile>();
  const merges: IdentityMerged[] = [];
  const conflicts: PlannedConflict[] = [];
  const resolved = new Map<string, string>();
  const dead: string[] = [];
  let ids = 0;
  let seq = 0;
  let clock = 1_000;

  function send(...events: RawEvent[]): string[] {
    const planned = events.flatMap((event) => {
      const extracted = extractIdentifiers(event, rules);
      if (extracted.type !== 'ok') {
        dead.push(event.messageId);
        return [];
      }
      return [{ messageId: event.messageId, callType: event.type, identifiers: extracted.value.identifiers }];
    });
    clock += 1;
    const plan = planBatch(planned, { links, profiles }, { rules, newId: () => (ids += 1).toString(), now: clock });
    if (plan.missing.size > 0) throw new Error(`the plan asked for profiles it was given: ${[...plan.missing].join(', ')}`);
    for (const created of plan.newProfiles) profiles.set(created.profileId, { profileId: created.profileId, seq: (seq += 1), identifiers: [] });
    for (const merged of [...plan.mergedProfiles, ...plan.newProfiles.filter((p) => p.mergedInto !== null)]) profiles.delete(merged.profileId);
    for (const [key, profileId] of plan.links) links.set(key, profileId);
    for (const profile of profiles.values()) profile.identifiers = [];
    for (const [key, profileId] of links) {
      const [type = '', ...rest] = key.split(':');
      profiles.get(profileId)?.identifiers.push({ type, value: rest.join(':') });
    }
    merges.push(...plan.merges);
    conflicts.push(...plan.conflicts);
    planned.forEach((event, index) => resolved.set(event.messageId, plan.profileIds[index]!));
    return plan.profileIds;
  }

  return {
    send,
    /** One event per call, each its own batch. */
    sendEach: (...events: RawEvent[]) => events.flatMap((event) => send(event)),
    profileOf: (messageId: string) => resolved.get(messageId),
    linkOf: (type: string, value: string) => links.get(keyOf({ type, value })),
    identifiersOf: (profileId: string) => profiles.get(profileId)?.identifiers ?? [],
    liveProfiles: () => [...profiles.keys()],
    merges,
    conflicts,
    dead,
  };
}

let counter = 0;

/** A raw event with only the given fields set (and a fresh messageId unless given). */
export function event(fields: Partial<RawEvent> & { traits?: Record<string, unknown>; context?: Record<string, unknown> }): RawEvent {
  const { traits, context, ...rest } = fields;
  counter += 1;
  return sampleRawEvent({
    messageId: `msg-${counter}`,
    userId: null,
    anonymousId: null,
    traitsJson: JSON.stringify(traits ?? {}),
    contextJson: JSON.stringify(context ?? {}),
    ...rest,
  });
}
