import { randomUUID } from 'node:crypto';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { identify, merged, split, track } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';

interface View {
  id: string;
  traits: Record<string, unknown>;
  eventCount: number;
  computedTraits: Record<string, unknown>;
  identifiers: Array<{ type: string; value: string }>;
  segments: Array<{ id: string }>;
  mergedProfileIds: string[];
}

describeWithInfra(['kafka', 'postgres', 'redis'], 'profiles service on Kafka: merges and splits in any order with events', () => {
  let harness: ProfilesHarness;
  let segmentId: string;
  const t0 = Date.now() - 60_000;

  beforeAll(async () => {
    harness = await startProfiles({ bus: 'kafka' });
    const trait = await harness.api('POST', '/v1/computed-traits?allowUnknown=true', {
      name: 'revenue',
      function: 'sum',
      event: 'Order Completed',
      property: 'total',
    });
    expect(trait.statusCode).toBe(201);
    const segment = await harness.api('POST', '/v1/segments?allowUnknown=true', {
      name: 'big spenders',
      rule: { computedTrait: 'revenue', op: 'gte', value: 100 },
    });
    segmentId = segment.json().id;
  }, 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  async function view(id: string): Promise<View | null> {
    const response = await harness.api('GET', `/v1/profiles/${id}`);
    return response.statusCode === 200 ? response.json() : null;
  }

  async function viewWith(id: string, eventCount: number): Promise<View> {
    return waitFor(
      async () => {
        const found = await view(id);
        return found !== null && found.eventCount === eventCount ? found : null;
      },
      { message: `profile ${id} with ${eventCount} events`, timeoutMs: 20_000 },
    );
  }

  const membershipsOf = (id: string) => harness.memberships.records.filter((record) => record.profileId === id);

  /** A visitor (anonymous) and a known user who turn out to be the same person. */
  function story() {
    const survivor = randomUUID();
    const visitor = randomUUID();
    const tag = randomUUID().slice(0, 8);
    const ada = `ada-${tag}`;
    const anon = `anon-${tag}`;
    const survivorEvents = [
      identify(survivor, { plan: 'pro', name: 'Ada' }, { userId: ada, anonymousId: null, timestamp: t0 }),
      track(survivor, 'Order Completed', { total: 60 }, { userId: ada, anonymousId: null, timestamp: t0 + 1000 }),
    ];
    const visitorEvents = [
      identify(visitor, { plan: 'free', city: 'Oslo' }, { userId: null, anonymousId: anon, timestamp: t0 + 2000 }),
      track(visitor, 'Order Completed', { total: 50 }, { userId: null, anonymousId: anon, timestamp: t0 + 3000 }),
    ];
    const merge = merged({
      survivorProfileId: survivor,
      mergedProfileId: visitor,
      identifiers: [{ type: 'anonymousId', value: anon }],
      linkingIdentifiers: [
        { type: 'userId', value: ada },
        { type: 'anonymousId', value: anon },
      ],
    });
    return { survivor, visitor, ada, anon, survivorEvents, visitorEvents, merge };
  }

  it('merge after the events: survivor traits win, the merged profile fills gaps, counters and computed traits add up', async () => {
    const { survivor, visitor, ada, anon, survivorEvents, visitorEvents, merge } = story();
    await harness.publish(...survivorEvents, ...visitorEvents);
    await viewWith(survivor, 2);
    await viewWith(visitor, 2);
    await harness.publishIdentity(merge);
    const folded = await viewWith(survivor, 4);
    expect(folded).toMatchObject({ traits: { plan: 'pro', name: 'Ada', city: 'Oslo' }, computedTraits: { revenue: 110 }, mergedProfileIds: [visitor] });
    expect(folded.identifiers).toEqual([
      { type: 'anonymousId', value: anon },
      { type: 'userId', value: ada },
    ]);
    expect(folded.segments.map((segment) => segment.id)).toEqual([segmentId]);
    await waitFor(() => membershipsOf(survivor).length === 1, { message: 'the survivor entered' });
    expect(membershipsOf(survivor)[0]).toMatchObject({ change: 'entered', cause: 'profile_merged', segmentId });
    // The merged id answers with the survivor; its timeline is the survivor's.
    expect((await view(visitor))?.id).toBe(survivor);
    expect((await harness.api('GET', `/v1/profiles/${visitor}/events`)).json().events).toHaveLength(4);
    const lookup = await harness.api('GET', `/v1/profiles/lookup?identifier=anonymousId&value=${anon}`);
    expect(lookup.json().id).toBe(survivor);

    // A redelivered merge, and a late event for the merged id, both land right.
    await harness.publishIdentity(merge);
    await harness.publish(track(visitor, 'Order Completed', { total: 1 }, { userId: null, anonymousId: anon }));
    const after = await viewWith(survivor, 5);
    expect(after.computedTraits).toEqual({ revenue: 111 });
  }, 60_000);

  it('merge before the events: the merged id redirects, and the result equals the other order', async () => {
    const { survivor, visitor, survivorEvents, visitorEvents, merge } = story();
    await harness.publishIdentity(merge);
    await waitFor(async () => {
      const { rows } = await harness.db.query('SELECT 1 FROM profile_redirects WHERE merged_id = $1', [visitor]);
      return rows.length === 1;
    }, { message: 'the redirect', timeoutMs: 20_000 });
    await harness.publish(...visitorEvents, ...survivorEvents);
    const result = await viewWith(survivor, 4);
    // Counters and aggregates add up the same; traits follow event time here (Oslo fills the gap, plan "free" is later).
    expect(result).toMatchObject({ computedTraits: { revenue: 110 }, traits: { name: 'Ada', city: 'Oslo' } });
    expect(await waitFor(() => membershipsOf(survivor)[0], { message: 'entered' })).toMatchObject({ change: 'entered', cause: 'event' });
    const { rows } = await harness.db.query('SELECT 1 FROM profiles WHERE id = $1', [visitor]);
    expect(rows).toHaveLength(0);
  }, 60_000);

  it('counts an event both profiles received before the merge once', async () => {
    const { survivor, visitor, ada, anon, merge } = story();
    const order = track(survivor, 'Order Completed', { total: 70 }, { messageId: `order-${randomUUID()}`, userId: ada, anonymousId: anon });
    await harness.publish(order, { ...order, profileId: visitor });
    await viewWith(survivor, 1);
    await viewWith(visitor, 1);
    await harness.publishIdentity(merge);
    const result = await viewWith(survivor, 1);
    expect(result.computedTraits).toEqual({ revenue: 70 });
    await waitFor(async () => (await view(visitor))?.id === survivor, { message: 'the merge applied', timeoutMs: 20_000 });
  }, 60_000);

  it('split (undoing the merge): the visitor gets its identifiers, events and traits back and is a profile again', async () => {
    const { survivor, visitor, ada, anon, survivorEvents, visitorEvents, merge } = story();
    await harness.publish(...survivorEvents, ...visitorEvents);
    await viewWith(survivor, 2);
    await viewWith(visitor, 2);
    await harness.publishIdentity(merge);
    await viewWith(survivor, 4);
    await waitFor(() => membershipsOf(survivor).length === 1, { message: 'entered' });

    await harness.publishIdentity(
      split({ fromProfileId: survivor, newProfileId: visitor, identifiers: [{ type: 'anonymousId', value: anon }], mergeId: merge.merged?.mergeId ?? null }),
    );
    const restored = await viewWith(visitor, 2);
    expect(restored).toMatchObject({ id: visitor, traits: { plan: 'free', city: 'Oslo' }, computedTraits: { revenue: 50 } });
    expect(restored.identifiers).toEqual([{ type: 'anonymousId', value: anon }]);
    const remaining = await viewWith(survivor, 2);
    expect(remaining).toMatchObject({ traits: { plan: 'pro', name: 'Ada' }, computedTraits: { revenue: 60 }, mergedProfileIds: [] });
    expect(remaining.identifiers).toEqual([{ type: 'userId', value: ada }]);
    await waitFor(() => membershipsOf(survivor).length === 2, { message: 'the survivor exited' });
    expect(membershipsOf(survivor)[1]).toMatchObject({ change: 'exited', cause: 'profile_split' });
    expect((await harness.api('GET', `/v1/profiles/lookup?identifier=anonymousId&value=${anon}`)).json().id).toBe(visitor);

    // The redirect is gone: new events for the visitor's id are its own again.
    await harness.publish(track(visitor, 'Order Completed', { total: 55 }, { userId: null, anonymousId: anon }));
    const grown = await viewWith(visitor, 3);
    expect(grown.computedTraits).toEqual({ revenue: 105 });
    await waitFor(() => membershipsOf(visitor).length === 1, { message: 'the visitor entered' });
    expect(membershipsOf(visitor)[0]).toMatchObject({ change: 'entered', cause: 'event' });
  }, 60_000);
});
