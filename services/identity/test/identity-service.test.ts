import { createMemoryBus, dlqTopicOf, type MemoryBus } from '@cjo/bus';
import { createContract, topics, topicSpecs, type RawEvent, type ResolvedEvent } from '@cjo/contract';
import { createMemoryKv } from '@cjo/kv';
import { createHttpApp } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import {
  collectRecords,
  createTestDb,
  flakyDb,
  sampleRawEvent,
  type Collected,
  type FlakyDb,
  type TestDb,
} from '@cjo/service-testkit';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { createIdentityService, identityMigrationsDir } from '../src';

const contract = createContract();
const logger = createLogger({ name: 'identity-test', level: 'silent' });

describeWithInfra(['postgres'], 'identity service on the memory bus and Postgres', () => {
  let bus: MemoryBus;
  let testDb: TestDb;
  let db: FlakyDb;
  let failures = 0;
  let service: ServiceModule;
  let resolved: Collected<ResolvedEvent>;
  /** Teardown of what beforeEach created, run in reverse even when beforeEach failed halfway. */
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    bus = createMemoryBus();
    cleanups.push(() => bus.close());
    await bus.ensureTopics(topicSpecs());
    testDb = await createTestDb('identity_test', identityMigrationsDir);
    cleanups.push(() => testDb.dispose());
    db = flakyDb(testDb.db, failures);
    service = createIdentityService({
      config: { CJO_ADMIN_TOKEN: 'admin-token', IDENTITY_CACHE_TTL_MS: 60_000 },
      logger,
      bus,
      db,
      kv: createMemoryKv(),
      contract,
      consumerGroup: 'identity',
    });
    cleanups.push(() => service.stop());
    await service.start();
    resolved = await collectRecords(bus, contract.codec('resolvedEvents'));
    cleanups.push(() => resolved.stop());
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function publishRaw(event: RawEvent): Promise<void> {
    const codec = contract.codec('rawEvents');
    await bus.publish(codec.topic, [{ key: event.userId ?? event.anonymousId ?? '', value: codec.encode(event) }]);
  }

  async function resolvedCount(count: number): Promise<ResolvedEvent[]> {
    await waitFor(() => resolved.records.length >= count, { message: `${count} resolved events`, timeoutMs: 5_000 });
    return [...resolved.records];
  }

  it('gives a new visitor a profile and keeps it once the visitor identifies', async () => {
    const anonymous = sampleRawEvent({ messageId: 'm-anon', userId: null, anonymousId: 'anon-1' });
    await publishRaw(anonymous);
    const [first] = await resolvedCount(1);
    expect(first).toEqual({ ...anonymous, profileId: expect.any(String) });
    expect(resolved.keys[0]).toBe(first?.profileId);

    await publishRaw(sampleRawEvent({ messageId: 'm-user', userId: 'user-1', anonymousId: 'anon-1' }));
    await publishRaw(sampleRawEvent({ messageId: 'm-user-only', userId: 'user-1' }));
    const events = await resolvedCount(3);
    expect(events.map((event) => event.profileId)).toEqual([first?.profileId, first?.profileId, first?.profileId]);

    const { rows } = await db.query<{ type: string; value: string; profile_id: string }>(
      'SELECT type, value, profile_id FROM identifiers ORDER BY type',
    );
    expect(rows).toEqual([
      { type: 'anonymousId', value: 'anon-1', profile_id: first?.profileId },
      { type: 'userId', value: 'user-1', profile_id: first?.profileId },
    ]);
  });

  it('resolves a redelivered event to the same profile without new links', async () => {
    const event = sampleRawEvent({ messageId: 'm-dup', userId: 'user-dup' });
    await publishRaw(event);
    await publishRaw(event);
    const [first, second] = await resolvedCount(2);
    expect(second?.profileId).toBe(first?.profileId);
    const { rows } = await db.query('SELECT 1 FROM identifiers');
    expect(rows).toHaveLength(1);
  });

  it('lets the userId profile win when the two ids belong to different profiles', async () => {
    await publishRaw(sampleRawEvent({ messageId: 'm-a', userId: null, anonymousId: 'anon-a' }));
    await publishRaw(sampleRawEvent({ messageId: 'm-u', userId: 'user-u' }));
    const [anonProfile, userProfile] = (await resolvedCount(2)).map((event) => event.profileId);
    expect(anonProfile).not.toBe(userProfile);

    await publishRaw(sampleRawEvent({ messageId: 'm-both', userId: 'user-u', anonymousId: 'anon-a' }));
    const events = await resolvedCount(3);
    expect(events[2]?.profileId).toBe(userProfile);
  });

  it('sends a record that does not decode to the DLQ', async () => {
    const dead: string[] = [];
    const dlqWatcher = await bus.subscribe({
      groupId: 'identity-test-dlq',
      topics: [dlqTopicOf(topics.rawEvents.name)],
      handler: async (message) => {
        dead.push(message.value.toString('utf8'));
        return { type: 'ok' };
      },
    });
    try {
      await bus.publish(topics.rawEvents.name, [{ key: 'k', value: Buffer.from('not avro') }]);
      await waitFor(() => dead.length === 1, { message: 'the DLQ record', timeoutMs: 5_000 });
      expect(dead).toEqual(['not avro']);
      expect(resolved.records).toHaveLength(0);
    } finally {
      await dlqWatcher.stop();
    }
  });

  it('answers GET /v1/identities/:type/:value for the admin', async () => {
    await publishRaw(sampleRawEvent({ messageId: 'm-http', userId: 'user-http', anonymousId: 'anon-http' }));
    const [event] = await resolvedCount(1);
    const app = await createHttpApp({ logger, serviceName: 'identity' });
    try {
      await app.register(service.routes ?? (async () => undefined));
      const admin = { authorization: 'Bearer admin-token' };

      const found = await app.inject({ method: 'GET', url: '/v1/identities/anonymousId/anon-http', headers: admin });
      expect(found.statusCode).toBe(200);
      expect(found.json()).toEqual({
        profileId: event?.profileId,
        identifiers: expect.arrayContaining([
          { type: 'userId', value: 'user-http' },
          { type: 'anonymousId', value: 'anon-http' },
        ]),
      });

      const unknown = await app.inject({ method: 'GET', url: '/v1/identities/userId/nobody', headers: admin });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: { code: 'not_found' } });

      const badType = await app.inject({ method: 'GET', url: '/v1/identities/email/a@example.com', headers: admin });
      expect(badType.statusCode).toBe(400);

      const anonymous = await app.inject({ method: 'GET', url: '/v1/identities/userId/user-http' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    } finally {
      await app.close();
    }
  });

  describe('while the database is briefly unavailable', () => {
    beforeAll(() => {
      failures = 2;
    });
    afterAll(() => {
      failures = 0;
    });

    it('retries the event until it resolves', async () => {
      await publishRaw(sampleRawEvent({ messageId: 'm-retry', userId: 'user-retry' }));
      const [event] = await resolvedCount(1);
      expect(event?.messageId).toBe('m-retry');
      expect(db.failed()).toBe(2);
    });
  });

  it('stops idempotently', async () => {
    await expect(Promise.all([service.stop(), service.stop()])).resolves.toEqual([undefined, undefined]);
    await expect(service.stop()).resolves.toBeUndefined();
  });
});
