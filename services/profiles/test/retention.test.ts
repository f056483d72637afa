import { randomUUID } from 'node:crypto';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { pruneExpiredEvents } from '../src/workers/retention';
import { track } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';
import { runtimeOf } from './support/test-runtime';

const DAY = 86_400_000;

describeWithInfra(['postgres', 'redis'], 'event retention', () => {
  let harness: ProfilesHarness;

  beforeEach(async () => {
    harness = await startProfiles();
  });

  afterEach(async () => {
    await harness?.dispose();
  });

  it('prunes stored events older than the retention in slices, and counters keep what they added', async () => {
    const id = randomUUID();
    const now = Date.now();
    await harness.publish(
      ...[40, 35, 31].map((days) => track(id, 'Old', {}, { timestamp: now - days * DAY })),
      track(id, 'Recent', {}, { timestamp: now - DAY }),
    );
    await waitFor(async () => (await harness.api('GET', `/v1/profiles/${id}`)).json().eventCount === 4, { message: 'four events' });
    const runtime = runtimeOf(harness);
    expect(await pruneExpiredEvents(runtime, 30 * DAY, 2)).toBe(true);
    expect(await pruneExpiredEvents(runtime, 30 * DAY, 2)).toBe(false);
    const timeline = (await harness.api('GET', `/v1/profiles/${id}/events`)).json();
    expect(timeline.events.map((event: { event: string }) => event.event)).toEqual(['Recent']);
    expect((await harness.api('GET', `/v1/profiles/${id}`)).json().eventCount).toBe(4);
  });
});
