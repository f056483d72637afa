import { createMemoryBus, dlqTopicOf, subscribeRecords, type MemoryBus, type Subscription } from '@cjo/bus';
import { createContract, topics, topicSpecs, type RawEvent, type ResolvedEvent } from '@cjo/contract';
import type { Db, Queryable } from '@cjo/db';
import { CjoError } from '@cjo/errors';
import { createMemoryKv } from '@cjo/kv';
import { createHttpApp } from '@cjo/http';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { createIdentityService, identityMigrationsDir } from '../src';
import { createTestDb, type TestDb } from './support/test-db';

const contract = createContract();
const logger = createLogger({ name: 'identity-test', level: 'silent' });

function rawEvent(overrides: Partial<RawEvent>): RawEvent {
  return {
    messageId: 'm-1',
    type: 'track',
    sourceId: 'source-1',
    userId: null,
    anonymousId: null,
    event: 'Page Viewed',
    name: null,
    previousId: null,
    groupId: null,
    propertiesJson: '{}',
    traitsJson: '{}',
    contextJson: '{}',
    integrationsJson: '{}',
    timestamp: 1_700_000_000_000,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: 1_700_000_000_100,
    ...overrides,
  };
}

/** A Db whose first `failures` statements fail as a lost connection does. */
function flakyDb(db: Db, failures: number): Db & { failed: () => number } {
  let failed = 0;
  const query: Queryable['query'] = (sql, params) => {
    if (failed < failures) {
      failed += 1;
      return Promise.reject(new CjoError('db_unavailable', 'connection lost', { retriable: true }));
    }
    return db.query(sql, params);
  };
  return { query, transaction: (fn) => db.transaction(fn), close: () => db.close(), failed: () => failed };
}

describeWithInfra(['postgres'], 'identity service on the memory bus and Postgres', () => {
  let bus: MemoryBus;
  let testDb: TestDb;
  let db: Db & { failed: () => number };
  let failures = 0;
  let service: ServiceModule;
  let observer: Subscription;
  /** Teardown of what beforeEach created, run in reverse even when beforeEach failed halfway. */
  const cleanups: Array<() => Promise<void>> = [];
  const resolved: Array<{ key: string | null; value: ResolvedEvent }> = [];

  beforeEach(async () => {
    resolved.length = 0;
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
    observer = await subscribeRecords(bus, {
      groupId: 'identity-test-observer',
      codec: contract.codec('resolvedEvents'),
      handler: async (value, message) => {
        resolved.push({ key: message.key, value });
        return { type: 'ok' };
      },
    });
    cleanups.push(() => observer.stop());
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function publishRaw(event: RawEvent): Promise<void> {
    const codec = contract.codec('rawEvents');
    await bus.publish(codec.topic, [{ key: event.userId ?? event.anonymousId ?? '', value: codec.encode(event) }]);
  }

  async function resolvedCount(count: number): Promise<ResolvedEvent[]> {
    await waitFor(() => resolved.length >= count, { message: `${count} resolved events`, timeoutMs: 5_000 });
    return resolved.map((record) => record.value);
  }

  it('gives a new visitor a profile and keeps it once the visitor identifies', async () => {
    await publishRaw(rawEvent({ messageId: 'm-anon', anonymousId: 'anon-1' }));
    const [first] = await resolvedCount(1);
    expect(first).toEqual({ ...rawEvent({ messageId: 'm-anon', anonymousId: 'anon-1' }), profileId: expect.any(String) });
    expect(resolved[0]?.key).toBe(first?.profileId);

    await publishRaw(rawEvent({ messageId: 'm-user', userId: 'user-1', anonymousId: 'anon-1' }));
    await publishRaw(rawEvent({ messageId: 'm-user-only', userId: 'user-1' }));
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
    const event = rawEvent({ messageId: 'm-dup', userId: 'user-dup' });
    await publishRaw(event);
    await publishRaw(event);
    const [first, second] = await resolvedCount(2);
    expect(second?.profileId).toBe(first?.profileId);
    const { rows } = await db.query('SELECT 1 FROM identifiers');
    expect(rows).toHaveLength(1);
  });

  it('lets the userId profile win when the two ids belong to different profiles', async () => {
    await publishRaw(rawEvent({ messageId: 'm-a', anonymousId: 'anon-a' }));
    await publishRaw(rawEvent({ messageId: 'm-u', userId: 'user-u' }));
    const [anonProfile, userProfile] = (await resolvedCount(2)).map((event) => event.profileId);
    expect(anonProfile).not.toBe(userProfile);

    await publishRaw(rawEvent({ messageId: 'm-both', userId: 'user-u', anonymousId: 'anon-a' }));
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
      expect(resolved).toHaveLength(0);
    } finally {
      await dlqWatcher.stop();
    }
  });

  it('answers GET /v1/identities/:type/:value for the admin', async () => {
    await publishRaw(rawEvent({ messageId: 'm-http', userId: 'user-http', anonymousId: 'anon-http' }));
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
      await publishRaw(rawEvent({ messageId: 'm-retry', userId: 'user-retry' }));
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
