import { randomUUID } from 'node:crypto';
import { createMemoryKv } from '@cjo/kv';
import { describeWithInfra } from '@cjo/testkit';
import { identityMigrationsDir } from '../src';
import { createIdentifierDirectory } from '../src/identifier-directory';
import { resolveProfile } from '../src/steps/resolve-profile';
import { createTestDb, type TestDb } from '@cjo/service-testkit';

describeWithInfra(['postgres'], 'identifier directory on Postgres', () => {
  let testDb: TestDb;

  beforeAll(async () => {
    testDb = await createTestDb('identity_directory_test', identityMigrationsDir);
  });

  afterAll(async () => {
    await testDb.dispose();
  });

  it('makes concurrent first sightings of one identifier converge on one profile', async () => {
    const identifiers = [{ type: 'userId' as const, value: `user-${randomUUID()}` }];
    // Each resolver has its own cache, as separate identity instances would.
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        resolveProfile(createIdentifierDirectory(testDb.db, createMemoryKv(), 60_000), identifiers, randomUUID),
      ),
    );
    const profileIds = new Set(results.map((result) => (result.type === 'ok' ? result.value : result.type)));
    expect(profileIds.size).toBe(1);
    const { rows } = await testDb.db.query('SELECT profile_id FROM identifiers WHERE value = $1', [identifiers[0]?.value]);
    expect(rows).toEqual([{ profile_id: [...profileIds][0] }]);
  });

  it('serves a known link from the cache without asking the database', async () => {
    const kv = createMemoryKv();
    const directory = createIdentifierDirectory(testDb.db, kv, 60_000);
    const identifier = { type: 'anonymousId' as const, value: `anon-${randomUUID()}` };
    const profileId = randomUUID();
    await directory.link([identifier], profileId);
    await testDb.db.query('DELETE FROM identifiers WHERE value = $1', [identifier.value]);
    await expect(directory.find([identifier])).resolves.toEqual([{ ...identifier, profileId }]);
  });
});
