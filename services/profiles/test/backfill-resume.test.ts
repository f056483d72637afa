import { randomUUID } from 'node:crypto';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { createDefinitionsAdmin } from '../src/admin/definitions-admin';
import { runtimeOf } from './support/test-runtime';
import type { ProfilesRuntime } from '../src/batch/runtime';
import { runBackfillPass } from '../src/workers/backfill';
import { identify } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';
import { testClock, type TestClock } from './support/test-clock';

describeWithInfra(['postgres', 'redis'], 'segment backfill survives a stop and a crash', () => {
  let harness: ProfilesHarness;
  let clock: TestClock;
  let runtime: ProfilesRuntime;
  const ids = Array.from({ length: 10 }, () => randomUUID()).sort();

  beforeEach(async () => {
    clock = testClock();
    harness = await startProfiles({ clock });
    await harness.publish(...ids.map((id, i) => identify(id, { plan: i < 7 ? 'pro' : 'free' }, { timestamp: clock.now() })));
    await waitFor(async () => {
      const { rows } = await harness.db.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles');
      return rows[0]?.n === ids.length;
    }, { message: 'ten profiles' });
    // From here on the test drives the backfill worker itself, as two instances would.
    await harness.stopService();
    runtime = runtimeOf(harness);
  });

  afterEach(async () => {
    await harness?.dispose();
  });

  async function createSegment(): Promise<string> {
    const admin = createDefinitionsAdmin({ db: harness.db, catalogs: runtime.catalogs, now: clock.now, maxWindowMs: 86_400_000, jobQueued: () => undefined });
    const segment = await admin.createSegment({ name: `pro ${randomUUID()}`, rule: { trait: 'plan', op: 'eq', value: 'pro' } }, false);
    return segment.id;
  }

  async function job(segmentId: string) {
    const { rows } = await harness.db.query<{ status: string; processed: number; cursor: string | null; lease_owner: string | null }>(
      'SELECT status, processed::int AS processed, cursor, lease_owner FROM segment_jobs WHERE segment_id = $1',
      [segmentId],
    );
    return rows[0];
  }

  const entries = (segmentId: string) => harness.memberships.records.filter((record) => record.segmentId === segmentId);

  it('a stopped instance gives its job back at a chunk boundary and another resumes at the cursor', async () => {
    const segmentId = await createSegment();
    let chunks = 0;
    await runBackfillPass(runtime, { owner: 'instance-a', chunkSize: 3, leaseMs: 30_000 }, () => chunks++ >= 2);
    expect(await job(segmentId)).toEqual({ status: 'running', processed: 6, cursor: ids[5], lease_owner: null });

    expect(await runBackfillPass(runtime, { owner: 'instance-b', chunkSize: 3, leaseMs: 30_000 }, () => false)).toBe(true);
    expect(await job(segmentId)).toMatchObject({ status: 'done', processed: 10 });
    await waitFor(() => entries(segmentId).length === 7, { message: 'seven entries' });
    expect(entries(segmentId).map((record) => record.profileId).sort()).toEqual(ids.slice(0, 7));
    expect(entries(segmentId).every((record) => record.cause === 'backfill' && record.change === 'entered')).toBe(true);
  });

  it('a crashed instance keeps its lease until it runs out; then another takes the job over', async () => {
    const segmentId = await createSegment();
    let chunks = 0;
    const crash = () => {
      if (chunks++ >= 1) throw new Error('the process died');
      return false;
    };
    await expect(runBackfillPass(runtime, { owner: 'instance-a', chunkSize: 4, leaseMs: 30_000 }, crash)).rejects.toThrow('the process died');
    expect(await job(segmentId)).toMatchObject({ status: 'running', processed: 4, lease_owner: 'instance-a' });

    expect(await runBackfillPass(runtime, { owner: 'instance-b', chunkSize: 4, leaseMs: 30_000 }, () => false)).toBe(false);
    clock.advance(31_000);
    expect(await runBackfillPass(runtime, { owner: 'instance-b', chunkSize: 4, leaseMs: 30_000 }, () => false)).toBe(true);
    expect(await job(segmentId)).toMatchObject({ status: 'done', processed: 10 });
    await waitFor(() => entries(segmentId).length === 7, { message: 'seven entries' });
    expect(new Set(entries(segmentId).map((record) => record.profileId)).size).toBe(7);
  });

  it('a job whose segment changed meanwhile is superseded by the newer one', async () => {
    const segmentId = await createSegment();
    const admin = createDefinitionsAdmin({ db: harness.db, catalogs: runtime.catalogs, now: clock.now, maxWindowMs: 86_400_000, jobQueued: () => undefined });
    await admin.updateSegment(segmentId, { name: `free ${randomUUID()}`, rule: { trait: 'plan', op: 'eq', value: 'free' } }, false);
    expect(await runBackfillPass(runtime, { owner: 'instance-a', chunkSize: 100, leaseMs: 30_000 }, () => false)).toBe(true);
    const { rows } = await harness.db.query<{ status: string; segment_version: number }>(
      'SELECT status, segment_version FROM segment_jobs WHERE segment_id = $1 ORDER BY seq',
      [segmentId],
    );
    expect(rows).toEqual([
      { status: 'superseded', segment_version: 1 },
      { status: 'done', segment_version: 2 },
    ]);
    await waitFor(() => entries(segmentId).length === 3, { message: 'three entries' });
    expect(entries(segmentId).every((record) => record.cause === 'segment_changed' && record.segmentVersion === 2)).toBe(true);
  });
});
