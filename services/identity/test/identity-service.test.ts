import { randomUUID } from 'node:crypto';
import { createMemoryBus, dlqTopicOf, publishRecords, type Bus, type MemoryBus } from '@cjo/bus';
import { createContract, topicSpecs } from '@cjo/contract';
import { createMemoryKv } from '@cjo/kv';
import { createLogger } from '@cjo/log';
import { CjoError } from '@cjo/errors';
import type { Db } from '@cjo/db';
import { createTestDb, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { identityMigrationsDir } from '../src';
import { startIdentity, type IdentityHarness } from './support/identity-harness';
import { event } from './support/memory-graph';

const contract = createContract();
const logger = createLogger({ name: 'identity-test', level: 'silent' });

/** The memory bus, recording which topics were published to in which order, and failing publishes on demand. */
function recordingBus(inner: MemoryBus): Bus & { order: string[]; failNext: (topic: string, times: number) => void } {
  const order: string[] = [];
  const failures = new Map<string, number>();
  return {
    ensureTopics: (specs) => inner.ensureTopics(specs),
    subscribe: (options) => inner.subscribe(options),
    close: () => inner.close(),
    async publish(topic, messages) {
      const left = failures.get(topic) ?? 0;
      if (left > 0) {
        failures.set(topic, left - 1);
        throw new CjoError('bus_unavailable', 'broker down', { retriable: true });
      }
      if (topic !== 'cjo.events.raw.v1') order.push(topic);
      await inner.publish(topic, messages);
    },
    order,
    failNext: (topic, times) => failures.set(topic, times),
  };
}

/** A Db whose next `n` statements fail the way a lost connection does, once armed. */
function faultyDb(db: Db): Db & { failNext(n: number): void; failed: () => number } {
  let left = 0;
  let failed = 0;
  return {
    query(sql, params) {
      if (left > 0) {
        left -= 1;
        failed += 1;
        return Promise.reject(new CjoError('db_unavailable', 'connection lost', { retriable: true }));
      }
      return db.query(sql, params);
    },
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
    failNext: (n) => {
      left = n;
    },
    failed: () => failed,
  };
}

describeWithInfra(['postgres'], 'identity service on the memory bus and Postgres', () => {
  let memory: MemoryBus;
  let bus: ReturnType<typeof recordingBus>;
  let testDb: TestDb;
  let harness: IdentityHarness;
  let db: ReturnType<typeof faultyDb>;

  beforeEach(async () => {
    memory = createMemoryBus();
    bus = recordingBus(memory);
    await bus.ensureTopics(topicSpecs());
    testDb = await createTestDb('identity_test', identityMigrationsDir);
    db = faultyDb(testDb.db);
    harness = await startIdentity({ bus, db, kv: createMemoryKv(), contract, logger });
  });

  afterEach(async () => {
    await harness?.stop();
    await testDb?.dispose();
    await memory?.close();
  });

  async function resolve(...events: ReturnType<typeof event>[]) {
    await harness.publishRaw(...events);
    return harness.waitResolved(events.map((e) => e.messageId));
  }

  it('keys resolved events by profile and publishes a merge before the events that use its survivor', async () => {
    const phone = event({ type: 'screen', anonymousId: 'phone' });
    const laptop = event({ type: 'page', anonymousId: 'laptop' });
    await resolve(phone);
    await resolve(laptop);
    const login = event({ type: 'identify', userId: 'u-1', anonymousId: 'laptop' });
    await resolve(login);
    bus.order.length = 0;
    const second = event({ type: 'identify', userId: 'u-1', anonymousId: 'phone' });
    const found = await resolve(second);
    const survivor = found.get(phone.messageId)!.profileId;
    expect(found.get(second.messageId)?.profileId).toBe(survivor);
    expect(bus.order).toEqual(['cjo.identity.changes.v1', 'cjo.events.resolved.v1']);
    expect(harness.resolved.keys).toEqual(harness.resolved.records.map((record) => record.profileId));
    const [change] = harness.changes.records;
    expect(change?.merged).toMatchObject({ survivorProfileId: survivor, mergedProfileId: found.get(laptop.messageId)?.profileId });
    expect(harness.changes.keys).toEqual([survivor]);
  });

  it('resolves a redelivered event to the same profile without new links or merges', async () => {
    await resolve(event({ type: 'page', anonymousId: 'a-dup' }));
    const identify = event({ type: 'identify', userId: 'u-dup', anonymousId: 'a-dup' });
    await resolve(identify);
    await harness.publishRaw(identify);
    await waitFor(() => harness.resolved.records.filter((r) => r.messageId === identify.messageId).length === 2, { timeoutMs: 5_000 });
    const profiles = harness.resolved.records.filter((r) => r.messageId === identify.messageId).map((r) => r.profileId);
    expect(new Set(profiles).size).toBe(1);
    const { rows } = await testDb.db.query('SELECT type FROM identifiers ORDER BY type');
    expect(rows).toEqual([{ type: 'anonymousId' }, { type: 'userId' }]);
  });

  it('publishes a merge whose first publish failed before the resolved events of the retry, once marked published', async () => {
    await resolve(event({ type: 'page', anonymousId: 'x-1' }));
    await resolve(event({ type: 'page', anonymousId: 'x-2' }));
    await resolve(event({ type: 'identify', userId: 'u-x', anonymousId: 'x-1' }));
    bus.failNext('cjo.identity.changes.v1', 2);
    bus.order.length = 0;
    const merging = event({ type: 'identify', userId: 'u-x', anonymousId: 'x-2' });
    await resolve(merging);
    expect(bus.order).toEqual(['cjo.identity.changes.v1', 'cjo.events.resolved.v1']);
    expect(harness.merges()).toHaveLength(1);
    const { rows } = await testDb.db.query<{ published: boolean }>('SELECT published_at IS NOT NULL AS published FROM merges');
    expect(rows).toEqual([{ published: true }]);
  });

  it('sends a record that does not decode, and an event with only blocked identifiers, to the DLQ', async () => {
    const dead: string[] = [];
    const watcher = await bus.subscribe({
      groupId: 'identity-test-dlq',
      topics: [dlqTopicOf('cjo.events.raw.v1')],
      handler: async (message) => {
        dead.push(message.headers['cjo-error-code'] ?? '');
        return { type: 'ok' };
      },
    });
    try {
      await bus.publish('cjo.events.raw.v1', [{ key: 'k', value: Buffer.from('not avro') }]);
      await harness.publishRaw(event({ userId: 'guest', anonymousId: 'unknown' }));
      await waitFor(() => dead.length === 2, { message: 'the DLQ records', timeoutMs: 5_000 });
      expect(dead.sort()).toEqual(['avro_bad_header', 'identity_no_identifier'].sort());
      expect(harness.resolved.records).toHaveLength(0);
    } finally {
      await watcher.stop();
    }
  });

  it('forgets a deleted profile: its identifiers, its graph, and the cached links', async () => {
    const first = await resolve(event({ type: 'identify', userId: 'u-del', anonymousId: 'a-del', traits: { email: 'del@example.com' } }));
    const profileId = [...first.values()][0]!.profileId;
    await publishRecords(bus, contract.codec('profileDeletions'), [
      { key: profileId, value: { deletionId: randomUUID(), profileId, identifiers: [{ type: 'userId', value: 'u-del' }], deletedAt: Date.now() } },
    ]);
    await waitFor(async () => (await testDb.db.query('SELECT 1 FROM identifiers')).rowCount === 0, { timeoutMs: 5_000 });
    expect((await harness.admin('GET', `/v1/profiles/${profileId}/identity-graph`)).statusCode).toBe(404);
    expect((await harness.admin('GET', '/v1/identities/email/del@example.com')).statusCode).toBe(404);
    const anonymous = event({ type: 'page', anonymousId: 'a-del' });
    const again = await resolve(anonymous);
    expect(again.get(anonymous.messageId)?.profileId).not.toBe(profileId);
  });

  it('retries a batch while the database is briefly unavailable', async () => {
    db.failNext(2);
    const found = await resolve(event({ userId: 'user-retry' }));
    expect(found.size).toBe(1);
    expect(db.failed()).toBe(2);
    expect(harness.dead).toEqual([]);
  });

  it('stops idempotently', async () => {
    await expect(Promise.all([harness.service.stop(), harness.service.stop()])).resolves.toEqual([undefined, undefined]);
    await expect(harness.service.stop()).resolves.toBeUndefined();
  });
});
