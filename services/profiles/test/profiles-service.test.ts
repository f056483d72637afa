import { randomUUID } from 'node:crypto';
import { createMemoryBus, dlqTopicOf, type Bus, type MemoryBus } from '@cjo/bus';
import { createContract, topics, topicSpecs, type ProfileChanged, type ResolvedEvent } from '@cjo/contract';
import type { Db } from '@cjo/db';
import { CjoError } from '@cjo/errors';
import { createHttpApp } from '@cjo/http';
import { createMemoryKv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { collectRecords, createTestDb, flakyDb, sampleResolvedEvent, type Collected, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { createProfilesService, profilesMigrationsDir } from '../src';

const contract = createContract();
const logger = createLogger({ name: 'profiles-test', level: 'silent' });
const changedAt = 1_700_000_999_000;

/** Profile ids are uuid columns here; every event gets fresh ids unless a test names them. */
function resolvedEvent(overrides: Partial<ResolvedEvent>): ResolvedEvent {
  return sampleResolvedEvent({ profileId: randomUUID(), messageId: randomUUID(), ...overrides });
}

/** A Bus whose first `failures` publishes to `topic` fail as an unreachable broker does. */
function flakyPublishBus(bus: Bus, topic: string, failures: number): Bus {
  let failed = 0;
  return {
    ensureTopics: (specs) => bus.ensureTopics(specs),
    subscribe: (options) => bus.subscribe(options),
    close: () => bus.close(),
    publish: (name, messages) => {
      if (name === topic && failed < failures) {
        failed += 1;
        return Promise.reject(new CjoError('bus_unavailable', 'broker unreachable', { retriable: true }));
      }
      return bus.publish(name, messages);
    },
  };
}

describeWithInfra(['postgres'], 'profiles service on the memory bus and Postgres', () => {
  let bus: MemoryBus;
  let testDb: TestDb;
  let service: ServiceModule;
  let changes: Collected<ProfileChanged>;
  /** Teardown of what beforeEach created, run in reverse even when beforeEach failed halfway. */
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    bus = createMemoryBus();
    cleanups.push(() => bus.close());
    await bus.ensureTopics(topicSpecs());
    testDb = await createTestDb('profiles_test', profilesMigrationsDir);
    cleanups.push(() => testDb.dispose());
    changes = await collectRecords(bus, contract.codec('profileChanges'));
    cleanups.push(() => changes.stop());
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startService(overrides: { db?: Db; bus?: Bus } = {}): Promise<ServiceModule> {
    service = createProfilesService({
      config: { CJO_ADMIN_TOKEN: 'admin-token' },
      logger,
      bus: overrides.bus ?? bus,
      db: overrides.db ?? testDb.db,
      kv: createMemoryKv(),
      contract,
      consumerGroup: 'profiles',
      now: () => changedAt,
    });
    const running = service;
    cleanups.push(() => running.stop());
    await service.start();
    return service;
  }

  async function publishResolved(...events: ResolvedEvent[]): Promise<void> {
    const codec = contract.codec('resolvedEvents');
    await bus.publish(
      codec.topic,
      events.map((event) => ({ key: event.profileId, value: codec.encode(event) })),
    );
  }

  async function changeCount(count: number): Promise<ProfileChanged[]> {
    await waitFor(() => changes.records.length >= count, { message: `${count} profile changes`, timeoutMs: 5_000 });
    return [...changes.records];
  }

  async function storedProfile(profileId: string): Promise<Record<string, unknown> | undefined> {
    const { rows } = await testDb.db.query('SELECT traits, event_count FROM profiles WHERE id = $1', [profileId]);
    return rows[0];
  }

  it('merges identify traits, counts events and reports only what changed', async () => {
    await startService();
    const profileId = randomUUID();
    await publishResolved(
      resolvedEvent({ profileId, messageId: 'm1', type: 'identify', event: null, traitsJson: '{"plan":"free","email":"a@example.com"}' }),
      resolvedEvent({ profileId, messageId: 'm2', type: 'identify', event: null, traitsJson: '{"plan":"pro","email":"a@example.com"}' }),
      resolvedEvent({ profileId, messageId: 'm3', type: 'track', traitsJson: '{"plan":"ignored"}' }),
    );
    const [first, second, third] = await changeCount(3);
    expect(changes.keys).toEqual([profileId, profileId, profileId]);
    expect(first).toEqual({
      profileId,
      messageId: 'm1',
      eventCount: 1,
      changes: [
        { trait: 'plan', oldValueJson: null, newValueJson: '"free"' },
        { trait: 'email', oldValueJson: null, newValueJson: '"a@example.com"' },
      ],
      changedAt,
    });
    expect(second).toMatchObject({
      messageId: 'm2',
      eventCount: 2,
      changes: [{ trait: 'plan', oldValueJson: '"free"', newValueJson: '"pro"' }],
    });
    expect(third).toMatchObject({ messageId: 'm3', eventCount: 3, changes: [] });
    await expect(storedProfile(profileId)).resolves.toEqual({
      traits: { plan: 'pro', email: 'a@example.com' },
      event_count: 3,
    });
  });

  it('applies a redelivered event once and emits nothing for it', async () => {
    await startService();
    const profileId = randomUUID();
    const event = resolvedEvent({ profileId, messageId: 'm-dup' });
    await publishResolved(event, event, resolvedEvent({ profileId, messageId: 'm-next' }));
    const emitted = await changeCount(2);
    expect(emitted.map((change) => [change.messageId, change.eventCount])).toEqual([
      ['m-dup', 1],
      ['m-next', 2],
    ]);
    await expect(storedProfile(profileId)).resolves.toMatchObject({ event_count: 2 });
  });

  it('sends an identify event whose traits are not an object to the DLQ', async () => {
    await startService();
    const dead: string[] = [];
    const dlqWatcher = await bus.subscribe({
      groupId: 'profiles-test-dlq',
      topics: [dlqTopicOf(topics.resolvedEvents.name)],
      handler: async (message) => {
        dead.push(message.headers['cjo-error-code'] ?? '');
        return { type: 'ok' };
      },
    });
    try {
      await publishResolved(resolvedEvent({ type: 'identify', traitsJson: '[1,2]' }));
      await waitFor(() => dead.length === 1, { message: 'the DLQ record', timeoutMs: 5_000 });
      expect(dead).toEqual(['invalid_traits']);
      expect(changes.records).toHaveLength(0);
    } finally {
      await dlqWatcher.stop();
    }
  });

  it('retries while the database is unavailable', async () => {
    await startService({ db: flakyDb(testDb.db, 2) });
    const profileId = randomUUID();
    await publishResolved(resolvedEvent({ profileId, messageId: 'm-db' }));
    const [change] = await changeCount(1);
    expect(change).toMatchObject({ profileId, messageId: 'm-db', eventCount: 1 });
  });

  it('rolls the event back when its change cannot be published, so the retry still emits it', async () => {
    await startService({ bus: flakyPublishBus(bus, topics.profileChanges.name, 1) });
    const profileId = randomUUID();
    await publishResolved(resolvedEvent({ profileId, messageId: 'm-bus' }));
    const [change] = await changeCount(1);
    expect(change).toMatchObject({ profileId, messageId: 'm-bus', eventCount: 1 });
    await expect(storedProfile(profileId)).resolves.toMatchObject({ event_count: 1 });
  });

  it('answers GET /v1/profiles/:id for the admin', async () => {
    const running = await startService();
    const profileId = randomUUID();
    await publishResolved(
      resolvedEvent({
        profileId,
        type: 'identify',
        event: null,
        traitsJson: '{"plan":"pro"}',
        timestamp: Date.parse('2024-01-01T00:00:00.000Z'),
      }),
      resolvedEvent({ profileId, timestamp: Date.parse('2024-02-01T00:00:00.000Z') }),
    );
    await changeCount(2);
    const app = await createHttpApp({ logger, serviceName: 'profiles' });
    try {
      await app.register(running.routes ?? (async () => undefined));
      const admin = { authorization: 'Bearer admin-token' };

      const found = await app.inject({ method: 'GET', url: `/v1/profiles/${profileId}`, headers: admin });
      expect(found.statusCode).toBe(200);
      expect(found.json()).toEqual({
        id: profileId,
        traits: { plan: 'pro' },
        eventCount: 2,
        firstSeen: '2024-01-01T00:00:00.000Z',
        lastSeen: '2024-02-01T00:00:00.000Z',
      });

      const missing = await app.inject({ method: 'GET', url: `/v1/profiles/${randomUUID()}`, headers: admin });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });

      const notUuid = await app.inject({ method: 'GET', url: '/v1/profiles/not-a-uuid', headers: admin });
      expect(notUuid.statusCode).toBe(400);

      const anonymous = await app.inject({ method: 'GET', url: `/v1/profiles/${profileId}` });
      expect(anonymous.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('stops idempotently', async () => {
    const running = await startService();
    await expect(Promise.all([running.stop(), running.stop()])).resolves.toEqual([undefined, undefined]);
  });
});
