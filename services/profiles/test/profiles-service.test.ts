import { randomUUID } from 'node:crypto';
import { dlqTopicOf } from '@cjo/bus';
import { CjoError } from '@cjo/errors';
import { flakyDb } from '@cjo/service-testkit';
import { topics } from '@cjo/contract';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { group, identify, resolved, track } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';

describeWithInfra(['postgres', 'redis'], 'profiles service: events into profiles', () => {
  let harness: ProfilesHarness;

  beforeEach(async () => {
    harness = await startProfiles();
  });

  afterEach(async () => {
    await harness?.dispose();
  });

  async function profile(id: string): Promise<Record<string, unknown>> {
    const response = await harness.api('GET', `/v1/profiles/${id}`);
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function applied(id: string, eventCount: number): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const response = await harness.api('GET', `/v1/profiles/${id}`);
        const body = response.statusCode === 200 ? (response.json() as Record<string, unknown>) : null;
        return body !== null && body.eventCount === eventCount ? body : null;
      },
      { message: `profile ${id} with ${eventCount} events`, timeoutMs: 10_000 },
    );
  }

  it('keeps identify traits (later values win), counts events and emits ProfileChanged only for real changes', async () => {
    const id = randomUUID();
    const t0 = Date.parse('2024-03-01T10:00:00.000Z');
    await harness.publish(
      identify(id, { plan: 'free', email: ' Ada@Example.com ' }, { messageId: 'm1', timestamp: t0 }),
      identify(id, { plan: 'pro', email: ' Ada@Example.com ' }, { messageId: 'm2', timestamp: t0 + 1000 }),
      track(id, 'Page Viewed', {}, { messageId: 'm3', timestamp: t0 + 2000 }),
    );
    const body = await applied(id, 3);
    expect(body).toMatchObject({
      id,
      traits: { plan: 'pro', email: ' Ada@Example.com ' },
      eventCount: 3,
      firstSeen: '2024-03-01T10:00:00.000Z',
      lastSeen: '2024-03-01T10:00:02.000Z',
    });
    expect(body.identifiers).toEqual([
      { type: 'email', value: 'ada@example.com' },
      { type: 'userId', value: 'user-1' },
    ]);
    await waitFor(() => harness.changes.records.length >= 2, { message: 'two profile changes' });
    expect(harness.changes.records.map((change) => [change.messageId, change.eventCount, change.changes])).toEqual([
      [
        'm1',
        1,
        [
          { trait: 'plan', oldValueJson: null, newValueJson: '"free"' },
          { trait: 'email', oldValueJson: null, newValueJson: '" Ada@Example.com "' },
        ],
      ],
      ['m2', 2, [{ trait: 'plan', oldValueJson: '"free"', newValueJson: '"pro"' }]],
    ]);
    expect(harness.changes.keys).toEqual([id, id]);
  });

  it('applies $setOnce and $unset, and an older identify arriving late does not overwrite a newer value', async () => {
    const id = randomUUID();
    const t0 = Date.parse('2024-03-01T10:00:00.000Z');
    await harness.publish(
      identify(id, { plan: 'pro', $setOnce: { source: 'ads' } }, { timestamp: t0 + 5000 }),
      identify(id, { plan: 'free', nickname: 'ada', $setOnce: { source: 'seo' } }, { timestamp: t0 }),
      identify(id, { $unset: ['nickname'], city: 'Oslo' }, { timestamp: t0 + 6000 }),
    );
    const body = await applied(id, 3);
    expect(body.traits).toEqual({ plan: 'pro', source: 'ads', city: 'Oslo' });
  });

  it('applies a redelivered event once, whether in the same batch or later', async () => {
    const id = randomUUID();
    const event = track(id, 'Signed Up', {}, { messageId: 'dup' });
    await harness.publish(event, event, track(id, 'Next'));
    await applied(id, 2);
    await harness.publish(event);
    await harness.publish(track(id, 'Last'));
    await applied(id, 3);
    const timeline = await harness.api('GET', `/v1/profiles/${id}/events`);
    expect(timeline.json().events.map((e: { event: string }) => e.event).sort()).toEqual(['Last', 'Next', 'Signed Up']);
  });

  it('sends an event whose JSON is not an object to the DLQ and applies the rest of its batch', async () => {
    const dead: string[] = [];
    const watcher = await harness.bus.subscribe({
      groupId: `dlq-${randomUUID()}`,
      topics: [dlqTopicOf(topics.resolvedEvents.name)],
      handler: async (message) => {
        dead.push(message.headers['cjo-error-code'] ?? '');
        return { type: 'ok' };
      },
    });
    try {
      const id = randomUUID();
      await harness.publish(track(id, 'Before'), resolved({ profileId: id, type: 'identify', traitsJson: '[1,2]' }), track(id, 'After'));
      await waitFor(() => dead.length === 1, { message: 'the DLQ record' });
      expect(dead).toEqual(['invalid_event_json']);
      await applied(id, 2);
    } finally {
      await watcher.stop();
    }
  });

  it('keeps groups as their own entity with traits, linked to their members', async () => {
    const ada = randomUUID();
    const bob = randomUUID();
    await harness.publish(group(ada, 'acme', { name: 'Acme', plan: 'enterprise' }), group(bob, 'acme', { employees: 50 }));
    await applied(bob, 1);
    await applied(ada, 1);
    const acme = await harness.api('GET', '/v1/groups/acme');
    expect(acme.json()).toMatchObject({ id: 'acme', traits: { name: 'Acme', plan: 'enterprise', employees: 50 }, memberCount: 2 });
    expect((await profile(ada)).groups).toEqual([{ id: 'acme', traits: { name: 'Acme', plan: 'enterprise', employees: 50 } }]);
    expect((await harness.api('GET', '/v1/groups/nope')).statusCode).toBe(404);
  });

  it('answers lookups by identifier, pages the timeline newest first, and refuses bad requests', async () => {
    const id = randomUUID();
    const t0 = Date.parse('2024-05-01T00:00:00.000Z');
    await harness.publish(
      identify(id, { email: 'Grace@Example.com' }, { userId: 'grace', anonymousId: 'anon-g', timestamp: t0 }),
      ...Array.from({ length: 5 }, (_, i) => track(id, `E${i}`, { i }, { userId: 'grace', timestamp: t0 + (i + 1) * 1000 })),
    );
    await applied(id, 6);
    for (const [identifier, value] of [['email', ' grace@EXAMPLE.com'], ['userId', 'grace'], ['anonymousId', 'anon-g']]) {
      const found = await harness.api('GET', `/v1/profiles/lookup?identifier=${identifier}&value=${encodeURIComponent(value ?? '')}`);
      expect(found.statusCode).toBe(200);
      expect(found.json().id).toBe(id);
    }
    expect((await harness.api('GET', '/v1/profiles/lookup?identifier=userId&value=nobody')).statusCode).toBe(404);

    const first = (await harness.api('GET', `/v1/profiles/${id}/events?limit=4`)).json();
    expect(first.events.map((e: { event: string | null }) => e.event)).toEqual(['E4', 'E3', 'E2', 'E1']);
    expect(first.events[0]).toMatchObject({ type: 'track', properties: { i: 4 }, timestamp: '2024-05-01T00:00:05.000Z' });
    const second = (await harness.api('GET', `/v1/profiles/${id}/events?limit=4&cursor=${first.nextCursor}`)).json();
    expect(second.events.map((e: { type: string; event: string | null }) => e.event ?? e.type)).toEqual(['E0', 'identify']);
    expect(second.nextCursor).toBeNull();

    expect((await harness.api('GET', `/v1/profiles/${id}/events?cursor=garbage`)).statusCode).toBe(400);
    expect((await harness.api('GET', '/v1/profiles/not-a-uuid')).statusCode).toBe(400);
    const missing = await harness.api('GET', `/v1/profiles/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const anonymous = await harness.app.inject({ method: 'GET', url: `/v1/profiles/${id}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('retries a batch while the database is unavailable, and one whose records could not be published', async () => {
    await harness.dispose();
    let failedPublishes = 0;
    harness = await startProfiles({
      wrapDb: (db) => flakyDb(db, 2),
      wrapBus: (bus) => ({
        ensureTopics: (specs) => bus.ensureTopics(specs),
        subscribe: (options) => bus.subscribe(options),
        close: () => bus.close(),
        publish: (name, messages) => {
          if (name === topics.profileChanges.name && failedPublishes < 1) {
            failedPublishes += 1;
            return Promise.reject(new CjoError('bus_unavailable', 'broker unreachable', { retriable: true }));
          }
          return bus.publish(name, messages);
        },
      }),
    });
    const id = randomUUID();
    await harness.publish(identify(id, { plan: 'pro' }, { messageId: 'm-retry' }), track(id, 'After'));
    await applied(id, 2);
    await waitFor(() => harness.changes.records.length === 1, { message: 'the change, once' });
    expect(harness.changes.records[0]).toMatchObject({ profileId: id, messageId: 'm-retry', eventCount: 1 });
    expect(failedPublishes).toBe(1);
  });

  it('serves hot profiles from Redis and never a view older than the profile', async () => {
    await harness.dispose();
    let queries = 0;
    harness = await startProfiles({
      wrapDb: (db) => ({
        query: (sql, params) => {
          queries += 1;
          return db.query(sql, params);
        },
        transaction: (fn) => db.transaction(fn),
        close: () => db.close(),
      }),
    });
    const id = randomUUID();
    const storedCount = async () =>
      (await harness.db.query<{ n: number }>('SELECT event_count::int AS n FROM profiles WHERE id = $1', [id])).rows[0]?.n;
    await harness.publish(identify(id, { plan: 'free' }));
    await waitFor(async () => (await storedCount()) === 1, { message: 'the profile' });
    queries = 0;
    expect((await profile(id)).traits).toEqual({ plan: 'free' });
    const cold = queries;
    queries = 0;
    expect((await profile(id)).traits).toEqual({ plan: 'free' });
    // One point read of the version (and at most the catalog generation) instead of the whole view.
    expect(queries).toBeLessThanOrEqual(2);
    expect(cold).toBeGreaterThan(queries + 2);
    await harness.publish(identify(id, { plan: 'pro' }));
    await waitFor(async () => (await storedCount()) === 2, { message: 'the second event' });
    expect(await profile(id)).toMatchObject({ traits: { plan: 'pro' }, eventCount: 2 });
  });

  it('stops idempotently', async () => {
    await expect(Promise.all([harness.service.stop(), harness.service.stop()])).resolves.toEqual([undefined, undefined]);
  });
});
