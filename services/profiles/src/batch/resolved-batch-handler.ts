import { drop, toHandlerResult, type DecodedRecord, type HandlerResult, type StepResult } from '@cjo/bus';
import type { ResolvedEvent } from '@cjo/contract';
import type { Queryable } from '@cjo/db';
import { createObservationTracker, type Observations } from '../catalog/observations';
import { createIdentifierHasher } from '../model/identifiers';
import { parseResolvedEvent, type ProfileEvent } from '../model/profile-event';
import { eventKey, insertEvents } from '../store/events-store';
import { recordObservations } from '../store/observed-store';
import { findRedirects } from '../store/redirects-store';
import type { Blocked } from '../store/suppression-store';
import { applyEvents, type TargetedEvent } from './apply-events';
import { materialise } from './materialise';
import { openWork } from './profile-work';
import { runWork, type ProfilesRuntime } from './runtime';

interface Pending extends TargetedEvent {
  index: number;
}

/**
 * cjo.events.resolved.v1, a batch at a time: one transaction and one publish per batch.
 *
 * 1. parse every event (bad JSON: that record to the DLQ);
 * 2. follow merge redirects (an event for a merged-away id applies to its survivor);
 * 3. lock the profiles, read the catalog, memberships and groups;
 * 4. drop events of deleted profiles or carrying a suppressed identifier;
 * 5. compute aggregates the profiles lack from their history, then store the events: a redelivered
 *    event is already stored and is dropped;
 * 6. apply the rest in order in memory, evaluating the segments each one can change;
 * 7. write, publish the ProfileChanged and SegmentMembershipChanged records, commit.
 *
 * A failure of the database or the bus throws a retriable error: the batch runs again from the
 * start and, since nothing was committed, produces the same records.
 */
export function createResolvedBatchHandler(runtime: ProfilesRuntime): (records: Array<DecodedRecord<ResolvedEvent>>) => Promise<HandlerResult[]> {
  const observations = createObservationTracker();
  const hashOf = createIdentifierHasher();
  return async (records) => {
    const results: HandlerResult[] = records.map(() => ({ type: 'ok' }));
    const parsed: Array<{ index: number; event: ProfileEvent }> = [];
    const seen = new Set<string>();
    records.forEach((record, index) => {
      const event = parseResolvedEvent(record.value);
      if (event.type !== 'ok') {
        results[index] = toHandlerResult(event);
        return;
      }
      const key = eventKey(event.value.profileId, event.value.messageId);
      if (seen.has(key)) {
        results[index] = toHandlerResult(drop(`message ${event.value.messageId} appears twice in the batch`));
        return;
      }
      seen.add(key);
      parsed.push({ index, event: event.value });
    });
    if (parsed.length === 0) return results;

    let observed: Observations = { traits: [], properties: [] };
    const counts = await runWork(runtime, async (tx) => {
      const now = runtime.now();
      const pending = await redirect(tx, parsed);
      const groupIds = pending.flatMap(({ event }) => (event.groupTraitUpdate === null || event.groupId === null ? [] : [event.groupId]));
      const hashes = new Map<Pending, string[]>(pending.map((p) => [p, p.event.identifiers.map(hashOf)]));
      // Checked after the profiles are locked, so a deletion that committed meanwhile is seen.
      const work = await openWork(tx, runtime.catalogs, {
        ids: pending.map((p) => p.profileId),
        now,
        lockGroups: groupIds,
        failIfRedirected: true,
        checkBlocked: {
          hashes: [...new Set([...hashes.values()].flat())],
          profileIds: [...new Set(pending.flatMap((p) => [p.profileId, p.event.profileId]))],
        },
      });
      const allowed = dropBlocked(pending, hashes, work.blocked, results);
      const materialised = await materialise(tx, work, [...new Set(allowed.map((p) => p.profileId))]);
      const inserted = await insertEvents(tx, allowed);
      const fresh = allowed.filter((p) => {
        if (inserted.has(eventKey(p.profileId, p.event.messageId))) return true;
        results[p.index] = toHandlerResult(drop(`message ${p.event.messageId} was already applied to profile ${p.profileId}`));
        return false;
      });
      applyEvents(work, fresh, materialised);
      observed = observations.collect(fresh.map((p) => p.event));
      await recordObservations(tx, observed.traits, observed.properties);
      return {
        work,
        value: { applied: fresh.length, duplicates: allowed.length - fresh.length, blocked: pending.length - allowed.length },
      };
    });
    observations.remember(observed);
    runtime.metrics.eventsApplied(counts.applied);
    runtime.metrics.eventsDropped('duplicate', counts.duplicates);
    return results;
  };

  /** Each event with the profile it applies to: its own, or the survivor its profile was merged into. */
  async function redirect(tx: Queryable, parsed: ReadonlyArray<{ index: number; event: ProfileEvent }>): Promise<Pending[]> {
    const redirects = await findRedirects(tx, [...new Set(parsed.map(({ event }) => event.profileId))]);
    return parsed.map(({ index, event }) => ({ index, event, profileId: redirects.get(event.profileId) ?? event.profileId }));
  }

  function dropBlocked(pending: readonly Pending[], hashes: Map<Pending, string[]>, blocked: Blocked, results: HandlerResult[]): Pending[] {
    let suppressed = 0;
    let deleted = 0;
    const allowed = pending.filter((p) => {
      let verdict: StepResult<never> | null = null;
      if (blocked.profiles.has(p.profileId) || blocked.profiles.has(p.event.profileId)) {
        verdict = drop(`profile ${p.event.profileId} was deleted`);
        deleted += 1;
      } else if ((hashes.get(p) ?? []).some((hash) => blocked.hashes.has(hash))) {
        verdict = drop(`message ${p.event.messageId} carries a suppressed identifier`);
        suppressed += 1;
      }
      if (verdict !== null) results[p.index] = toHandlerResult(verdict);
      return verdict === null;
    });
    runtime.metrics.eventsDropped('suppressed', suppressed);
    runtime.metrics.eventsDropped('deleted', deleted);
    return allowed;
  }
}
