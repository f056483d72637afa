import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPgDb, type Db } from '@cjo/db';
import { CjoError } from '@cjo/errors';
import type { Kv } from '@cjo/kv';
import { createRedisKv } from '@cjo/kv';
import { createTestDb, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra, infraUrls, uniqueName } from '@cjo/testkit';
import { identityMigrationsDir } from '../../src';
import { createIdentityCache } from '../../src/graph/identity-cache';
import type { PlannedEvent } from '../../src/graph/plan';
import { createResolver, type Resolver } from '../../src/graph/resolve-batch';
import { testRules } from '../support/config';

const rules = testRules();

/** Shuffles with a seeded generator, so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * A batch that loses its write races several times in a row gives up with a retriable error, and the
 * bus runner runs it again after a backoff: the same here, so the test judges the outcome, not the luck.
 */
async function resolveAsTheRunnerWould(resolve: Resolver, batch: PlannedEvent[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await resolve(batch);
      return;
    } catch (err) {
      if (!(err instanceof CjoError && err.retriable) || attempt >= 20) throw err;
      await sleep(5 + Math.random() * 20 * attempt);
    }
  }
}

describeWithInfra(['postgres', 'redis'], 'concurrent resolvers on one Postgres and Redis', () => {
  let testDb: TestDb;
  const pools: Db[] = [];
  const stores: Kv[] = [];

  beforeAll(async () => {
    testDb = await createTestDb('identity_race', identityMigrationsDir);
  });

  afterAll(async () => {
    await Promise.all([...pools, ...stores].map((resource) => resource.close()));
    await testDb.dispose();
  });

  /** A resolver as one identity instance has it: its own connection pool, the shared Redis. */
  function instance(schema: string, kvPrefix: string): Resolver {
    const db = createPgDb({ url: infraUrls().databaseUrl, schema, max: 3 });
    const kv = createRedisKv({ url: infraUrls().redisUrl, prefix: kvPrefix });
    pools.push(db);
    stores.push(kv);
    return createResolver({
      db,
      cache: createIdentityCache(kv, { ttlMs: 60_000, tombstoneTtlMs: 10_000, now: Date.now }),
      rules: () => rules,
      newId: randomUUID,
      now: Date.now,
    });
  }

  it('never makes two profiles for one person and never loses a merge when four instances race', async () => {
    const schema = (await testDb.db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    const kvPrefix = `${uniqueName('identity_race')}:`;
    const resolvers = [1, 2, 3, 4].map(() => instance(schema, kvPrefix));
    const people = Array.from({ length: 30 }, (_, i) => ({
      userId: `user-${i}`,
      email: `person-${i}@example.com`,
      devices: [0, 1, 2].map((d) => `device-${i}-${d}`),
    }));
    // Every person browses on three devices, logs in on each, and once gives an email from one of them.
    const events: PlannedEvent[] = people.flatMap((person) => [
      ...person.devices.map((device) => ({ messageId: randomUUID(), callType: 'page', identifiers: [{ type: 'anonymousId', value: device }] })),
      ...person.devices.map((device) => ({
        messageId: randomUUID(),
        callType: 'identify',
        identifiers: [
          { type: 'userId', value: person.userId },
          { type: 'anonymousId', value: device },
        ],
      })),
      {
        messageId: randomUUID(),
        callType: 'track',
        identifiers: [
          { type: 'email', value: person.email },
          { type: 'anonymousId', value: person.devices[2]! },
        ],
      },
    ]);
    // Each instance gets every event, in its own order, in batches of 10: all four race on every identifier.
    await Promise.all(
      resolvers.map(async (resolve, index) => {
        const mine = shuffled(events, index + 1);
        for (let start = 0; start < mine.length; start += 10) await resolveAsTheRunnerWould(resolve, mine.slice(start, start + 10));
      }),
    );

    const { rows: links } = await testDb.db.query<{ type: string; value: string; profile_id: string }>(
      'SELECT type, value, profile_id FROM identifiers',
    );
    const profileOf = new Map(links.map((link) => [`${link.type}:${link.value}`, link.profile_id]));
    for (const person of people) {
      const profiles = new Set([
        profileOf.get(`userId:${person.userId}`),
        profileOf.get(`email:${person.email}`),
        ...person.devices.map((device) => profileOf.get(`anonymousId:${device}`)),
      ]);
      expect({ person: person.userId, profiles: profiles.size, missing: profiles.has(undefined) }).toEqual({
        person: person.userId,
        profiles: 1,
        missing: false,
      });
    }
    expect(links).toHaveLength(people.length * 5);
    const live = await testDb.db.query('SELECT profile_id FROM profiles WHERE merged_into IS NULL');
    const stranded = await testDb.db.query(
      'SELECT i.value FROM identifiers i JOIN profiles p ON p.profile_id = i.profile_id WHERE p.merged_into IS NOT NULL',
    );
    const merges = await testDb.db.query('SELECT 1 FROM merges');
    const profiles = await testDb.db.query('SELECT 1 FROM profiles');
    expect(stranded.rows).toEqual([]);
    expect(live.rowCount).toBe(people.length);
    // Every profile but the survivors was merged exactly once.
    expect(merges.rowCount).toBe(profiles.rowCount - people.length);
    expect((await testDb.db.query('SELECT 1 FROM conflicts')).rowCount).toBe(0);
  }, 120_000);
});
