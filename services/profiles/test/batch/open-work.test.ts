import { randomUUID } from 'node:crypto';
import { createLogger } from '@cjo/log';
import { createTestDb, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra } from '@cjo/testkit';
import { profilesMigrationsDir } from '../../src';
import { openWork } from '../../src/batch/profile-work';
import { createCatalogSource } from '../../src/catalog/catalog-source';
import { addRedirect } from '../../src/store/redirects-store';
import { suppress, tombstone } from '../../src/store/suppression-store';

describeWithInfra(['postgres'], 'openWork: what a transaction reads after its locks', () => {
  let testDb: TestDb;
  const catalogs = createCatalogSource(createLogger({ name: 'open-work-test', level: 'silent' }));

  beforeAll(async () => {
    testDb = await createTestDb('profiles_open_work_test', profilesMigrationsDir);
  });

  afterAll(async () => {
    await testDb?.dispose();
  });

  it('refuses to go on with an id that was merged away between the redirect lookup and the lock', async () => {
    const [merged, survivor] = [randomUUID(), randomUUID()];
    await addRedirect(testDb.db, { mergedId: merged, survivorId: survivor, mergeId: 'm-1', mergedAt: 1 });
    await expect(
      testDb.db.transaction((tx) => openWork(tx, catalogs, { ids: [merged], now: 1, failIfRedirected: true })),
    ).rejects.toMatchObject({ code: 'profiles_merged_meanwhile', retriable: true });
    // Workers that take ids from the profiles table do not ask, and go on.
    const work = await testDb.db.transaction((tx) => openWork(tx, catalogs, { ids: [merged], now: 1 }));
    expect(work.drafts.size).toBe(0);
  });

  it('reports suppressed hashes and deleted ids in the same round trip as the catalog generation', async () => {
    const deleted = randomUUID();
    await suppress(testDb.db, [{ hash: 'h-1', type: 'email' }], null, 1);
    await tombstone(testDb.db, [deleted], randomUUID(), 1);
    const work = await testDb.db.transaction((tx) =>
      openWork(tx, catalogs, { ids: [], now: 1, checkBlocked: { hashes: ['h-1', 'h-2'], profileIds: [deleted, randomUUID()] } }),
    );
    expect(work.blocked).toEqual({ hashes: new Set(['h-1']), profiles: new Set([deleted]) });
    expect(work.catalog.generation).toBe(1);
  });
});
