import { randomUUID } from 'node:crypto';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { identify, track } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';
import { testClock, type TestClock } from './support/test-clock';

const DAY = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

describeWithInfra(['postgres', 'redis'], 'profiles service: relative date conditions move profiles as time passes', () => {
  let clock: TestClock;
  let harness: ProfilesHarness;

  beforeEach(async () => {
    clock = testClock(Date.parse('2024-06-01T12:00:00.000Z'));
    harness = await startProfiles({ clock });
  });

  afterEach(async () => {
    await harness?.dispose();
  });

  async function createSegment(rule: unknown): Promise<string> {
    const response = await harness.api('POST', '/v1/segments?allowUnknown=true', { name: `segment ${randomUUID()}`, rule });
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status: 201 });
    return response.json().id;
  }

  async function timerOf(profileId: string): Promise<number | null> {
    const { rows } = await harness.db.query<{ timer_due_at: Date | null }>('SELECT timer_due_at FROM profiles WHERE id = $1', [profileId]);
    return rows[0]?.timer_due_at?.getTime() ?? null;
  }

  /** Real time for the timer worker (it polls every 200 ms), while the test clock stands still. */
  const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('a profile enters "signed up within the last 7 days" on its identify and leaves it 7 days after signing up, with no event', async () => {
    const segmentId = await createSegment({ trait: 'signedUpAt', op: 'within_last', value: '7d' });
    const id = randomUUID();
    const signedUpAt = clock.now() - 6 * DAY;
    await harness.publish(identify(id, { signedUpAt: iso(signedUpAt) }, { messageId: 'signup', timestamp: clock.now() }));
    const [entered] = await harness.membershipsAfter(1);
    expect(entered).toMatchObject({ segmentId, profileId: id, change: 'entered', cause: 'event', messageId: 'signup' });
    expect(await timerOf(id)).toBe(signedUpAt + 7 * DAY + 1);

    clock.set(signedUpAt + 7 * DAY);
    await quietFor(500);
    expect(harness.memberships.records).toHaveLength(1);
    clock.advance(1);
    const [, exited] = await harness.membershipsAfter(2);
    expect(exited).toMatchObject({ segmentId, profileId: id, change: 'exited', cause: 'window_expired', messageId: null });
    await waitFor(async () => (await timerOf(id)) === null, { message: 'no timer once the signup can never be within 7 days again' });
  });

  it('a segment created later sets the timers of existing profiles in its backfill: a trial ending in 5 days enters "within the next 3 days" in 2', async () => {
    const id = randomUUID();
    const trialEndsAt = clock.now() + 5 * DAY;
    await harness.publish(identify(id, { trialEndsAt: iso(trialEndsAt) }, { timestamp: clock.now() }));
    await waitFor(async () => (await harness.api('GET', `/v1/profiles/${id}`)).statusCode === 200, { message: 'profile stored' });
    const segmentId = await createSegment({ trait: 'trialEndsAt', op: 'within_next', value: '3d' });
    await waitFor(async () => (await harness.api('GET', `/v1/segments/${segmentId}`)).json().backfill?.status === 'done', {
      message: 'backfill done',
    });
    expect(harness.memberships.records).toHaveLength(0);
    expect(await timerOf(id)).toBe(trialEndsAt - 3 * DAY);

    clock.set(trialEndsAt - 3 * DAY);
    const [entered] = await harness.membershipsAfter(1);
    expect(entered).toMatchObject({ segmentId, profileId: id, change: 'entered', cause: 'window_expired' });
    clock.set(trialEndsAt + 1);
    const [, exited] = await harness.membershipsAfter(2);
    expect(exited).toMatchObject({ segmentId, profileId: id, change: 'exited', cause: 'window_expired' });
  });

  it('"last order more than 30 days ago" reads a computed trait: time puts the profile in, its next order takes it out', async () => {
    const trait = await harness.api('POST', '/v1/computed-traits?allowUnknown=true', { name: 'last_order', function: 'last', event: 'Order Completed' });
    expect(trait.statusCode).toBe(201);
    const segmentId = await createSegment({ computedTrait: 'last_order', op: 'more_than_ago', value: '30d' });
    const id = randomUUID();
    const orderedAt = clock.now();
    await harness.publish(track(id, 'Order Completed', {}, { messageId: 'o1', timestamp: orderedAt }));
    await waitFor(async () => (await timerOf(id)) === orderedAt + 30 * DAY + 1, { message: 'timer at the 30-day mark' });
    expect(harness.memberships.records).toHaveLength(0);

    clock.set(orderedAt + 31 * DAY);
    const [entered] = await harness.membershipsAfter(1);
    expect(entered).toMatchObject({ segmentId, profileId: id, change: 'entered', cause: 'window_expired' });
    await harness.publish(track(id, 'Order Completed', {}, { messageId: 'o2', timestamp: clock.now() }));
    const [, exited] = await harness.membershipsAfter(2);
    expect(exited).toMatchObject({ segmentId, profileId: id, change: 'exited', cause: 'event', messageId: 'o2' });
  });
});
