import { randomUUID } from 'node:crypto';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { group, identify, track } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';

describeWithInfra(['postgres', 'redis'], 'profiles service: segments and computed traits', () => {
  let harness: ProfilesHarness;

  beforeEach(async () => {
    harness = await startProfiles();
  });

  afterEach(async () => {
    await harness?.dispose();
  });

  async function createSegment(rule: unknown, name = `segment ${randomUUID()}`, query = ''): Promise<{ id: string; version: number }> {
    const response = await harness.api('POST', `/v1/segments${query}`, { name, rule });
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status: 201 });
    return response.json();
  }

  async function backfillDone(id: string): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const body = (await harness.api('GET', `/v1/segments/${id}`)).json();
        return body.backfill?.status === 'done' ? body : null;
      },
      { message: `backfill of ${id}`, timeoutMs: 10_000 },
    );
  }

  /** Sends events that make the data catalog know these traits and events (segments are validated against it). */
  async function seedCatalog(): Promise<string> {
    const seed = randomUUID();
    await harness.publish(
      identify(seed, { plan: 'free', age: 30, signup: '2024-01-01T00:00:00Z', tags: ['a'] }),
      track(seed, 'Order Completed', { total: 10, currency: 'EUR' }),
      group(seed, 'seed-group', { tier: 'gold' }),
    );
    await waitFor(async () => (await harness.api('GET', `/v1/profiles/${seed}`)).json().eventCount === 3, { message: 'seed profile' });
    return seed;
  }

  it('answers a bad definition with 400 naming every problem', async () => {
    await seedCatalog();
    const bad = await harness.api('POST', '/v1/segments', {
      name: 'bad',
      rule: { and: [{ or: [] }, { trait: 'plann', op: 'eq', value: 'pro' }, { trait: 'age', op: 'gt', value: 'old' }, { trait: 'plan', op: 'like', value: 'p%' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_rule');
    expect(bad.json().error.message.split('\n')).toEqual([
      'rule.and[0].or: empty group: "or" needs at least one condition',
      'rule.and[1].trait: unknown trait "plann": never seen on an identify call (did you mean "plan"?); pass allowUnknown=true to define it ahead of the data',
      'rule.and[2].value: "gt" compares numbers; the value must be a number',
      'rule.and[3].op: unknown operator "like"; use one of eq, neq, gt, gte, lt, lte, before, after, in, not_in, contains, not_contains, starts_with, ends_with, exists, not_exists ' +
        '(trait and computedTrait conditions also take within_last, more_than_ago, within_next, more_than_ahead)',
    ]);
    const mismatch = await harness.api('POST', '/v1/segments', { name: 'mismatch', rule: { trait: 'plan', op: 'gte', value: 3 } });
    expect(mismatch.json().error.message).toBe('rule: type mismatch: trait "plan" holds string values, so "gte" 3 can never match (it needs number)');
    const noName = await harness.api('POST', '/v1/segments', { rule: { trait: 'plan', op: 'exists' } });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.message).toContain('name');
    const badTrait = await harness.api('POST', '/v1/computed-traits', { name: 'x', function: 'median', event: 'Order Completed' });
    expect(badTrait.statusCode).toBe(400);
    const badProperty = await harness.api('POST', '/v1/computed-traits', { name: 'x', function: 'sum', event: 'Order Completed', property: 'currency' });
    expect(badProperty.json()).toEqual({
      error: { code: 'invalid_computed_trait', message: 'property: type mismatch: property "currency" of "Order Completed" holds string values; "sum" needs numbers' },
    });
    expect((await harness.api('GET', '/v1/segments')).json().segments).toEqual([]);
  });

  it('emits entered and exited within the batch of the event that caused them, with its messageId', async () => {
    await seedCatalog();
    const segment = await createSegment({ and: [{ trait: 'plan', op: 'eq', value: 'pro' }, { trait: 'age', op: 'gte', value: 18 }] });
    await backfillDone(segment.id);
    const id = randomUUID();
    await harness.publish(
      identify(id, { plan: 'pro', age: 17 }, { messageId: 'too-young' }),
      identify(id, { age: 18 }, { messageId: 'adult' }),
      identify(id, { plan: 'free' }, { messageId: 'downgrade' }),
    );
    const records = (await harness.membershipsAfter(2)).filter((record) => record.profileId === id);
    expect(records).toEqual([
      { segmentId: segment.id, profileId: id, change: 'entered', cause: 'event', messageId: 'adult', segmentVersion: 1, changedAt: expect.any(Number) },
      { segmentId: segment.id, profileId: id, change: 'exited', cause: 'event', messageId: 'downgrade', segmentVersion: 1, changedAt: expect.any(Number) },
    ]);
  });

  it('evaluates computed traits, "performed" conditions with property filters, groups and NOT', async () => {
    await seedCatalog();
    const revenue = await harness.api('POST', '/v1/computed-traits', {
      name: 'lifetime_revenue',
      function: 'sum',
      event: 'Order Completed',
      property: 'total',
    });
    expect(revenue.statusCode).toBe(201);
    const bigSpender = await createSegment({ computedTrait: 'lifetime_revenue', op: 'gte', value: 100 });
    const repeat = await createSegment({
      performed: 'Order Completed',
      where: [{ property: 'currency', op: 'eq', value: 'EUR' }],
      atLeast: 2,
      within: '30d',
    });
    const gold = await createSegment({ and: [{ group: { where: [{ trait: 'tier', op: 'eq', value: 'gold' }] } }, { not: { trait: 'plan', op: 'eq', value: 'free' } }] });
    for (const segment of [bigSpender, repeat, gold]) await backfillDone(segment.id);
    const before = harness.memberships.records.length;

    const id = randomUUID();
    await harness.publish(
      track(id, 'Order Completed', { total: 60, currency: 'USD' }, { messageId: 'o1' }),
      track(id, 'Order Completed', { total: 50, currency: 'EUR' }, { messageId: 'o2' }),
      track(id, 'Order Completed', { total: 5, currency: 'EUR' }, { messageId: 'o3' }),
      group(id, 'seed-group', {}, { messageId: 'g1' }),
    );
    const mine = await waitFor(
      () => {
        const records = harness.memberships.records.slice(before).filter((record) => record.profileId === id);
        return records.length >= 3 ? records : null;
      },
      { message: 'three entries' },
    );
    expect(mine.map((record) => [record.segmentId, record.change, record.messageId])).toEqual([
      [bigSpender.id, 'entered', 'o2'],
      [repeat.id, 'entered', 'o3'],
      [gold.id, 'entered', 'g1'],
    ]);
    const view = (await harness.api('GET', `/v1/profiles/${id}`)).json();
    expect(view.computedTraits).toEqual({ lifetime_revenue: 115 });
    expect(view.segments.map((segment: { id: string }) => segment.id).sort()).toEqual([bigSpender.id, repeat.id, gold.id].sort());
    const changes = harness.changes.records.filter((change) => change.profileId === id).flatMap((change) => change.changes);
    expect(changes.map((change) => [change.trait, change.newValueJson])).toEqual([
      ['$computed.lifetime_revenue', '60'],
      ['$computed.lifetime_revenue', '110'],
      ['$computed.lifetime_revenue', '115'],
    ]);
  });

  it('re-evaluates the other members of a group whose traits changed', async () => {
    await seedCatalog();
    const segment = await createSegment({ group: { where: [{ trait: 'tier', op: 'eq', value: 'platinum' }] } }, 'platinum', '?allowUnknown=true');
    await backfillDone(segment.id);
    const [ada, bob] = [randomUUID(), randomUUID()];
    await harness.publish(group(ada, 'initech', { tier: 'silver' }), group(bob, 'initech', {}));
    await waitFor(async () => (await harness.api('GET', '/v1/groups/initech')).json().memberCount === 2, { message: 'two members' });
    await harness.publish(group(ada, 'initech', { tier: 'platinum' }, { messageId: 'upgrade' }));
    const entered = await waitFor(
      () => {
        const records = harness.memberships.records.filter((record) => record.segmentId === segment.id);
        return records.length >= 2 ? records : null;
      },
      { message: 'both members entered' },
    );
    expect(entered.map((record) => [record.profileId, record.change, record.messageId]).sort()).toEqual(
      [
        [ada, 'entered', 'upgrade'],
        [bob, 'entered', 'upgrade'],
      ].sort(),
    );
  });

  it('backfills a new segment over existing profiles, reports progress, and pages its members', async () => {
    const ids = Array.from({ length: 7 }, () => randomUUID()).sort();
    await harness.publish(...ids.map((id, i) => identify(id, { plan: i % 2 === 0 ? 'pro' : 'free' })));
    await waitFor(
      async () => (await harness.db.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles')).rows[0]?.n === ids.length,
      { message: 'seven profiles' },
    );
    const segment = await createSegment({ trait: 'plan', op: 'eq', value: 'pro' });
    const done = await backfillDone(segment.id);
    expect(done).toMatchObject({ memberCount: 4, backfill: { kind: 'backfill', status: 'done', processed: 7, total: 7, progress: 1, entered: 4, exited: 0 } });
    const records = harness.memberships.records.filter((record) => record.segmentId === segment.id);
    expect(records.map((record) => [record.profileId, record.cause]).sort()).toEqual(
      ids.filter((_, i) => i % 2 === 0).map((id) => [id, 'backfill']).sort(),
    );

    const page1 = (await harness.api('GET', `/v1/segments/${segment.id}/members?limit=3`)).json();
    const page2 = (await harness.api('GET', `/v1/segments/${segment.id}/members?limit=3&cursor=${page1.nextCursor}`)).json();
    expect([...page1.members, ...page2.members].map((member: { profileId: string }) => member.profileId)).toEqual(
      ids.filter((_, i) => i % 2 === 0),
    );
    expect(page2.nextCursor).toBeNull();
    expect((await harness.api('GET', `/v1/segments/${segment.id}/members?cursor=bad`)).statusCode).toBe(400);
  });

  it('re-evaluates every profile when a rule changes, and lets every member exit when the segment is deleted', async () => {
    const [pro, free] = [randomUUID(), randomUUID()];
    await harness.publish(identify(pro, { plan: 'pro' }), identify(free, { plan: 'free' }));
    await waitFor(async () => (await harness.api('GET', `/v1/profiles/${free}`)).statusCode === 200, { message: 'profiles' });
    await waitFor(async () => (await harness.api('GET', `/v1/profiles/${pro}`)).statusCode === 200, { message: 'profiles' });
    const segment = await createSegment({ trait: 'plan', op: 'eq', value: 'pro' }, 'paying');
    await backfillDone(segment.id);

    const renamed = await harness.api('PUT', `/v1/segments/${segment.id}`, { name: 'paying customers', rule: { trait: 'plan', op: 'eq', value: 'pro' } });
    expect(renamed.json()).toMatchObject({ name: 'paying customers', version: 1 });
    const changed = await harness.api('PUT', `/v1/segments/${segment.id}`, { name: 'paying customers', rule: { trait: 'plan', op: 'in', value: ['free'] } });
    expect(changed.json()).toMatchObject({ version: 2 });
    await waitFor(async () => (await harness.api('GET', `/v1/segments/${segment.id}`)).json().backfill.segmentVersion === 2, { message: 'job v2' });
    await backfillDone(segment.id);
    const removed = await harness.api('DELETE', `/v1/segments/${segment.id}`);
    expect(removed.statusCode).toBe(202);
    await waitFor(
      () => harness.memberships.records.filter((record) => record.segmentId === segment.id).length === 4,
      { message: 'four membership records' },
    );
    const records = harness.memberships.records.filter((record) => record.segmentId === segment.id);
    // Records of one profile keep their order; the two profiles' records interleave in any way.
    const of = (id: string) => records.filter((record) => record.profileId === id).map((record) => [record.change, record.cause, record.segmentVersion]);
    expect(of(pro)).toEqual([
      ['entered', 'backfill', 1],
      ['exited', 'segment_changed', 2],
    ]);
    expect(of(free)).toEqual([
      ['entered', 'segment_changed', 2],
      ['exited', 'segment_changed', 3],
    ]);
    expect((await harness.api('GET', `/v1/segments/${segment.id}`)).statusCode).toBe(404);
    const view = (await harness.api('GET', `/v1/profiles/${free}`)).json();
    expect(view.segments).toEqual([]);
  });

  it('refuses to delete a computed trait a segment uses, and gives its segments a new version when it changes', async () => {
    await seedCatalog();
    const trait = (await harness.api('POST', '/v1/computed-traits', { name: 'orders', function: 'count', event: 'Order Completed' })).json();
    const segment = await createSegment({ computedTrait: 'orders', op: 'gte', value: 1 });
    await backfillDone(segment.id);
    const refused = await harness.api('DELETE', `/v1/computed-traits/${trait.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain(segment.id);
    const updated = await harness.api('PUT', `/v1/computed-traits/${trait.id}`, {
      name: 'orders',
      function: 'count',
      event: 'Order Completed',
      window: '7d',
    });
    expect(updated.json()).toMatchObject({ version: 2, window: '7d' });
    expect((await harness.api('GET', `/v1/segments/${segment.id}`)).json().version).toBe(2);
    const duplicate = await harness.api('POST', '/v1/computed-traits', { name: 'orders', function: 'count', event: 'Order Completed' });
    expect(duplicate.statusCode).toBe(409);
    expect((await harness.api('GET', '/v1/computed-traits')).json().computedTraits).toHaveLength(1);
  });

  it('computes a computed trait defined after the events from their history', async () => {
    const id = randomUUID();
    const t0 = Date.now() - 10_000;
    await harness.publish(...[3, 9, 4].map((total, i) => track(id, 'Order Completed', { total }, { timestamp: t0 + i * 1000 })));
    await waitFor(async () => (await harness.api('GET', `/v1/profiles/${id}`)).json().eventCount === 3, { message: 'profile' });
    for (const [name, fn] of [['biggest', 'max'], ['smallest', 'min'], ['average', 'avg'], ['first_total', 'first'], ['last_total', 'last']]) {
      const response = await harness.api('POST', '/v1/computed-traits', { name, function: fn, event: 'Order Completed', property: 'total' });
      expect(response.statusCode).toBe(201);
    }
    const counted = await harness.api('POST', '/v1/computed-traits', { name: 'orders', function: 'count', event: 'Order Completed', window: '1d' });
    expect(counted.statusCode).toBe(201);
    const view = (await harness.api('GET', `/v1/profiles/${id}`)).json();
    expect(view.computedTraits).toEqual({ average: 16 / 3, biggest: 9, first_total: 3, last_total: 4, orders: 3, smallest: 3 });
  });
});
