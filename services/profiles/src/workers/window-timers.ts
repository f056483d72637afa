import { openWork, expireWindows, evaluateSegments, type MembershipCause } from '../batch/profile-work';
import { materialise } from '../batch/materialise';
import { runWork, type ProfilesRuntime } from '../batch/runtime';
import { takePendingEvaluations } from '../store/groups-store';
import { lockDueProfileIds } from '../store/profiles-store';

/**
 * One pass of window expiry: profiles whose oldest windowed bucket left its window get their
 * aggregates pruned and the segments reading them evaluated (cause window_expired). Profiles are
 * taken with SKIP LOCKED: another instance, or the event consumer, holding one takes care of it.
 * Returns whether it found a full pass (more may be due).
 */
export async function expireDueWindows(runtime: ProfilesRuntime, limit: number): Promise<boolean> {
  return runWork(runtime, async (tx) => {
    const now = runtime.now();
    const ids = await lockDueProfileIds(tx, now, limit);
    if (ids.length === 0) return { work: null, value: false };
    const work = await openWork(tx, runtime.catalogs, { ids, now });
    for (const draft of work.drafts.values()) expireWindows(work, draft);
    return { work, value: ids.length === limit };
  });
}

const CAUSES: readonly MembershipCause[] = ['event', 'window_expired', 'backfill', 'segment_changed', 'profile_merged', 'profile_split'];

/** One pass over queued evaluations: members of groups whose traits changed are evaluated against group segments. */
export async function evaluatePending(runtime: ProfilesRuntime, limit: number): Promise<boolean> {
  return runWork(runtime, async (tx) => {
    const pending = await takePendingEvaluations(tx, limit);
    if (pending.length === 0) return { work: null, value: false };
    const work = await openWork(tx, runtime.catalogs, { ids: pending.map((p) => p.profileId), now: runtime.now() });
    await materialise(tx, work, [...work.drafts.keys()]);
    const segments = work.catalog.segmentsAffectedBy({ traits: [], aggregates: [], groups: true });
    for (const { profileId, cause, messageId } of pending) {
      const draft = work.drafts.get(profileId);
      if (draft === undefined) continue;
      expireWindows(work, draft);
      const known = CAUSES.find((candidate) => candidate === cause) ?? 'event';
      evaluateSegments(work, draft, segments, known, messageId);
    }
    return { work, value: pending.length === limit };
  });
}
