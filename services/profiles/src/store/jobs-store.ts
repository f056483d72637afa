import type { Queryable } from '@cjo/db';

export type JobKind = 'backfill' | 'changed' | 'deleted';
export type JobStatus = 'pending' | 'running' | 'done' | 'superseded';

export interface SegmentJob {
  id: string;
  segmentId: string;
  segmentVersion: number;
  kind: JobKind;
  status: JobStatus;
  cursor: string | null;
  total: number;
  processed: number;
  entered: number;
  exited: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  createdAt: number;
  startedAt: number | null;
  updatedAt: number;
  finishedAt: number | null;
}

interface JobDbRow {
  id: string;
  segment_id: string;
  segment_version: number;
  kind: JobKind;
  status: JobStatus;
  cursor: string | null;
  total: number | bigint;
  processed: number | bigint;
  entered: number | bigint;
  exited: number | bigint;
  lease_owner: string | null;
  lease_ms: number | bigint | null;
  created_ms: number | bigint;
  started_ms: number | bigint | null;
  updated_ms: number | bigint;
  finished_ms: number | bigint | null;
}

const COLUMNS = `id, segment_id, segment_version, kind, status, cursor, total, processed, entered, exited, lease_owner,
  ts_to_ms(lease_until) AS lease_ms, ts_to_ms(created_at) AS created_ms, ts_to_ms(started_at) AS started_ms,
  ts_to_ms(updated_at) AS updated_ms, ts_to_ms(finished_at) AS finished_ms`;

const num = (value: number | bigint | null): number | null => (value === null ? null : Number(value));

const toJob = (row: JobDbRow): SegmentJob => ({
  id: row.id,
  segmentId: row.segment_id,
  segmentVersion: row.segment_version,
  kind: row.kind,
  status: row.status,
  cursor: row.cursor,
  total: Number(row.total),
  processed: Number(row.processed),
  entered: Number(row.entered),
  exited: Number(row.exited),
  leaseOwner: row.lease_owner,
  leaseUntil: num(row.lease_ms),
  createdAt: Number(row.created_ms),
  startedAt: num(row.started_ms),
  updatedAt: Number(row.updated_ms),
  finishedAt: num(row.finished_ms),
});

/** Queues a job for a segment's new version; older open jobs of the segment are superseded by it. */
export async function createJob(
  db: Queryable,
  job: { id: string; segmentId: string; segmentVersion: number; kind: JobKind; total: number; at: number },
): Promise<void> {
  await db.query(
    `UPDATE segment_jobs SET status = 'superseded', updated_at = ms_to_ts($2), finished_at = ms_to_ts($2)
      WHERE segment_id = $1 AND status IN ('pending', 'running')`,
    [job.segmentId, job.at],
  );
  await db.query(
    `INSERT INTO segment_jobs (id, segment_id, segment_version, kind, status, total, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'pending', $5, ms_to_ts($6), ms_to_ts($6))`,
    [job.id, job.segmentId, job.segmentVersion, job.kind, job.total, job.at],
  );
}

/**
 * Takes the oldest open job nobody holds (or whose holder's lease ran out: it crashed or stopped)
 * and leases it to `owner` until `leaseUntil`.
 */
export async function claimJob(db: Queryable, owner: string, now: number, leaseUntil: number): Promise<SegmentJob | null> {
  const { rows } = await db.query<JobDbRow>(
    `UPDATE segment_jobs SET status = 'running', lease_owner = $1, lease_until = ms_to_ts($3),
            started_at = COALESCE(started_at, ms_to_ts($2)), updated_at = ms_to_ts($2)
      WHERE id = (SELECT id FROM segment_jobs
                   WHERE status IN ('pending', 'running') AND (lease_until IS NULL OR lease_until < ms_to_ts($2))
                   ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
    [owner, now, leaseUntil],
  );
  return rows[0] === undefined ? null : toJob(rows[0]);
}

/** Locks the job for one chunk; null when it is no longer this owner's running job. */
export async function lockOwnedJob(db: Queryable, id: string, owner: string): Promise<SegmentJob | null> {
  const { rows } = await db.query<JobDbRow>(
    `SELECT ${COLUMNS} FROM segment_jobs WHERE id = $1 AND status = 'running' AND lease_owner = $2 FOR UPDATE`,
    [id, owner],
  );
  return rows[0] === undefined ? null : toJob(rows[0]);
}

export async function recordJobProgress(
  db: Queryable,
  progress: { id: string; cursor: string | null; processed: number; entered: number; exited: number; done: boolean; now: number; leaseUntil: number },
): Promise<void> {
  await db.query(
    `UPDATE segment_jobs SET cursor = $2, processed = processed + $3, entered = entered + $4, exited = exited + $5,
            status = CASE WHEN $6 THEN 'done' ELSE status END,
            finished_at = CASE WHEN $6 THEN ms_to_ts($7) ELSE finished_at END,
            lease_until = CASE WHEN $6 THEN NULL ELSE ms_to_ts($8) END,
            lease_owner = CASE WHEN $6 THEN NULL ELSE lease_owner END,
            total = GREATEST(total, processed + $3),
            updated_at = ms_to_ts($7)
      WHERE id = $1`,
    [progress.id, progress.cursor, progress.processed, progress.entered, progress.exited, progress.done, progress.now, progress.leaseUntil],
  );
}

export async function supersedeJob(db: Queryable, id: string, now: number): Promise<void> {
  await db.query(
    `UPDATE segment_jobs SET status = 'superseded', lease_owner = NULL, lease_until = NULL, finished_at = ms_to_ts($2),
            updated_at = ms_to_ts($2) WHERE id = $1`,
    [id, now],
  );
}

/** Gives the lease back (a stopping instance), so another one resumes the job at once. */
export async function releaseJob(db: Queryable, id: string, owner: string, now: number): Promise<void> {
  await db.query(
    `UPDATE segment_jobs SET lease_owner = NULL, lease_until = NULL, updated_at = ms_to_ts($3)
      WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
    [id, owner, now],
  );
}

export async function latestJobs(db: Queryable, segmentIds: readonly string[]): Promise<Map<string, SegmentJob>> {
  if (segmentIds.length === 0) return new Map();
  const { rows } = await db.query<JobDbRow>(
    `SELECT DISTINCT ON (segment_id) ${COLUMNS} FROM segment_jobs WHERE segment_id = ANY($1::uuid[])
      ORDER BY segment_id, seq DESC`,
    [[...segmentIds]],
  );
  return new Map(rows.map((row) => [row.segment_id, toJob(row)]));
}
