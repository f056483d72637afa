import { randomUUID } from 'node:crypto';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { track } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';
import { testClock, type TestClock } from './support/test-clock';

const MINUTE = 60_000;

describeWithInfra(['postgres', 'redis'], 'profiles service: sliding windows expire without events', () => {
  let clock: TestClock;
  let harness: ProfilesHarness;
  const extra: ProfilesHarness[] = [];

  beforeEach(async () => {
    clock = testClock(Date.parse('2024-06-01T12:00:00.000Z'));
    harness = await startProfiles({ clock });
  });

  afterEach(async () => {
    for (const other of extra.splice(0)) await other.dispose();
    await harness?.dispose();
  });

  async function setUp(): Promise<{ segmentId: string }> {
    const trait = await harness.api('POST', '/v1/computed-traits?allowUnknown=true', { name: 'recent_views', function: 'count', event: 'Viewed', window: '10m' });
    expect(trait.statusCode).toBe(201);
    const segment = await harness.api('POST', '/v1/segments?allowUnknown=true', {
      name: 'active',
      rule: { performed: 'Viewed', atLeast: 2, within: '10m' },
    });
    expect(segment.statusCode).toBe(201);
    return { segmentId: segment.json().id };
  }

  it('a profile leaves a "performed within" segment when its events leave the window, and the computed trait drops', async () => {
    const { segmentId } = await setUp();
    const id = randomUUID();
    const start = clock.now();
    await harness.publish(
      track(id, 'Viewed', {}, { messageId: 'v1', timestamp: start - 2 * MINUTE }),
      track(id, 'Viewed', {}, { messageId: 'v2', timestamp: start }),
    );
    const [entered] = await harness.membershipsAfter(1);
    expect(entered).toMatchObject({ segmentId, profileId: id, change: 'entered', cause: 'event', messageId: 'v2' });

    // 1 s buckets for a 10 min window: the first view counts until its bucket's end is 10 min old.
    clock.advance(8 * MINUTE - 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.memberships.records).toHaveLength(1);
    clock.advance(10_000);
    const [, exited] = await harness.membershipsAfter(2);
    expect(exited).toMatchObject({ segmentId, profileId: id, change: 'exited', cause: 'window_expired', messageId: null, segmentVersion: 1 });
    const view = (await harness.api('GET', `/v1/profiles/${id}`)).json();
    expect(view.computedTraits).toEqual({ recent_views: 1 });
    const drops = harness.changes.records.flatMap((change) => change.changes).filter((change) => change.trait === '$computed.recent_views');
    expect(drops.map((change) => change.newValueJson)).toEqual(['1', '2', '1']);

    clock.advance(3 * MINUTE);
    await waitFor(
      async () => (await harness.api('GET', `/v1/profiles/${id}`)).json().computedTraits.recent_views === 0,
      { message: 'the last view left the window' },
    );
    const { rows } = await harness.db.query<{ timer_due_at: Date | null }>('SELECT timer_due_at FROM profiles WHERE id = $1', [id]);
    expect(rows[0]?.timer_due_at).toBeNull();
  });

  it('an event that arrives after an expiry the timer has not handled yet still makes the profile exit first', async () => {
    await harness.stopService();
    const sharing = await startProfiles({ shareWith: harness, env: { PROFILES_TIMER_POLL_MS: '600000' } });
    extra.push(sharing);
    const trait = await sharing.api('POST', '/v1/segments?allowUnknown=true', { name: 'active', rule: { performed: 'Viewed', within: '10m' } });
    const segmentId = trait.json().id;
    const id = randomUUID();
    await sharing.publish(track(id, 'Viewed', {}, { messageId: 'v1', timestamp: clock.now() }));
    await sharing.membershipsAfter(1);
    clock.advance(11 * MINUTE);
    await sharing.publish(track(id, 'Clicked', {}, { messageId: 'c1', timestamp: clock.now() }));
    const records = await sharing.membershipsAfter(2);
    expect(records.map((record) => [record.segmentId, record.change, record.cause, record.messageId])).toEqual([
      [segmentId, 'entered', 'event', 'v1'],
      [segmentId, 'exited', 'window_expired', null],
    ]);
  });

  it('two instances polling the same timers publish each expiry once', async () => {
    const { segmentId } = await setUp();
    const second = await startProfiles({ shareWith: harness });
    extra.push(second);
    const ids = Array.from({ length: 20 }, () => randomUUID());
    await harness.publish(...ids.flatMap((id) => [track(id, 'Viewed', {}, { timestamp: clock.now() }), track(id, 'Viewed', {}, { timestamp: clock.now() })]));
    await harness.membershipsAfter(20);
    clock.advance(11 * MINUTE);
    const records = await harness.membershipsAfter(40);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exits = harness.memberships.records.filter((record) => record.change === 'exited' && record.segmentId === segmentId);
    expect(exits).toHaveLength(20);
    expect(new Set(exits.map((record) => record.profileId)).size).toBe(20);
    expect(records).toHaveLength(40);
  });
});
