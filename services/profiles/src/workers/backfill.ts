import type { Queryable } from '@cjo/db';
import { evaluateSegments, expireWindows, openWork, type ProfileWork } from '../batch/profile-work';
import { materialise } from '../batch/materialise';
import { runWork, type ProfilesRuntime } from '../batch/runtime';
import { segmentVersion } from '../store/definitions-store';
import { claimJob, lockOwnedJob, recordJobProgress, releaseJob, supersedeJob, type SegmentJob } from '../store/jobs-store';
import { memberIdsAfter } from '../store/memberships-store';
import { profileIdsAfter } from '../store/profiles-store';

export interface BackfillSettings {
  /** Identifies this instance as a job's lease holder. */
  owner: string;
  chunkSize: number;
  leaseMs: number;
}

type ChunkOutcome = 'more' | 'done' | 'superseded' | 'lost';

/**
 * One pass: claims the oldest open job (or one whose holder's lease expired: it crashed) and
 * walks it chunk by chunk, each chunk one transaction that evaluates the segment for the next
 * profiles in id order, publishes the entries and exits, and records the cursor. A restarted
 * instance, or another one, resumes at the cursor. `shouldStop` ends the walk between chunks.
 */
export async function runBackfillPass(runtime: ProfilesRuntime, settings: BackfillSettings, shouldStop: () => boolean): Promise<boolean> {
  const now = runtime.now();
  const job = await runtime.db.transaction((tx) => claimJob(tx, settings.owner, now, now + settings.leaseMs));
  if (job === null) return false;
  runtime.logger.info({ jobId: job.id, segmentId: job.segmentId, kind: job.kind, cursor: job.cursor }, 'segment job started');
  for (;;) {
    if (shouldStop()) {
      await runtime.db.transaction((tx) => releaseJob(tx, job.id, settings.owner, runtime.now()));
      return false;
    }
    const outcome = await runChunk(runtime, settings, job);
    if (outcome !== 'more') {
      runtime.logger.info({ jobId: job.id, segmentId: job.segmentId, outcome }, 'segment job finished');
      return true;
    }
  }
}

async function runChunk(runtime: ProfilesRuntime, settings: BackfillSettings, claimed: SegmentJob): Promise<ChunkOutcome> {
  return runWork(runtime, async (tx) => {
    const now = runtime.now();
    const job = await lockOwnedJob(tx, claimed.id, settings.owner);
    if (job === null) return { work: null, value: 'lost' as const };
    if (job.kind !== 'deleted' && (await segmentVersion(tx, job.segmentId)) !== job.segmentVersion) {
      await supersedeJob(tx, job.id, now);
      return { work: null, value: 'superseded' as const };
    }
    const ids =
      job.kind === 'deleted'
        ? await memberIdsAfter(tx, job.segmentId, job.cursor, settings.chunkSize)
        : await profileIdsAfter(tx, job.cursor, settings.chunkSize);
    const last = ids.length < settings.chunkSize;
    const progress = { id: job.id, cursor: ids.at(-1) ?? job.cursor, processed: ids.length, now, leaseUntil: now + settings.leaseMs, done: last };
    if (ids.length === 0) {
      await recordJobProgress(tx, { ...progress, entered: 0, exited: 0 });
      return { work: null, value: 'done' as const };
    }
    const work = await openWork(tx, runtime.catalogs, { ids, now });
    if (job.kind === 'deleted') exitDeleted(work, job);
    else if (!(await evaluateChunk(tx, work, job))) {
      await supersedeJob(tx, job.id, now);
      return { work: null, value: 'superseded' as const };
    }
    const mine = work.membershipChanges.filter((change) => change.segmentId === job.segmentId);
    await recordJobProgress(tx, {
      ...progress,
      entered: mine.filter((change) => change.change === 'entered').length,
      exited: mine.filter((change) => change.change === 'exited').length,
    });
    return { work, value: last ? ('done' as const) : ('more' as const) };
  });
}

/** false when this instance's catalog has another version of the segment (a newer job will redo it). */
async function evaluateChunk(tx: Queryable, work: ProfileWork, job: SegmentJob): Promise<boolean> {
  const segment = work.catalog.segment(job.segmentId);
  if (segment === undefined || segment.version !== job.segmentVersion) return false;
  await materialise(tx, work, [...work.drafts.keys()]);
  const cause = job.kind === 'backfill' ? 'backfill' : 'segment_changed';
  for (const draft of work.drafts.values()) {
    expireWindows(work, draft);
    evaluateSegments(work, draft, [segment], cause, null);
  }
  return true;
}

/** A deleted segment: every member leaves it. */
function exitDeleted(work: ProfileWork, job: SegmentJob): void {
  for (const [profileId, memberships] of work.memberships) {
    if (!memberships.delete(job.segmentId)) continue;
    work.touched.add(profileId);
    work.membershipChanges.push({
      segmentId: job.segmentId,
      profileId,
      change: 'exited',
      cause: 'segment_changed',
      messageId: null,
      segmentVersion: job.segmentVersion,
      changedAt: work.now,
    });
  }
}
