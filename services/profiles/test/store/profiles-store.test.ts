import { randomUUID } from 'node:crypto';
import { createTestDb, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra } from '@cjo/testkit';
import { emptyDraft } from '../../src/model/profile';
import { lockProfiles, profileVersion, saveProfiles } from '../../src/store/profiles-store';
import { profilesMigrationsDir } from '../../src';

describeWithInfra(['postgres'], 'profiles store: one upsert for new and existing profiles', () => {
  let testDb: TestDb;

  beforeAll(async () => {
    testDb = await createTestDb('profiles_store_test', profilesMigrationsDir);
  });

  afterAll(async () => {
    await testDb?.dispose();
  });

  it('inserts new profiles, updates existing ones with a new version, and leaves alone a "new" one that exists', async () => {
    const [a, b] = [randomUUID(), randomUUID()].sort();
    const first = emptyDraft(a ?? '', 1_000, []);
    expect(await saveProfiles(testDb.db, [first], 5_000)).toEqual([]);
    expect(await profileVersion(testDb.db, a ?? '')).toEqual({ id: a, version: 1 });

    const { drafts } = await testDb.db.transaction((tx) => lockProfiles(tx, [a ?? '']));
    const existing = drafts.get(a ?? '');
    if (existing === undefined) throw new Error('profile a should exist');
    existing.traits = { plan: 'pro' };
    existing.eventCount = 3;
    const second = { ...emptyDraft(b ?? '', 2_000, []), traits: { plan: 'free' } };
    expect(await saveProfiles(testDb.db, [existing, second], 6_000)).toEqual([]);
    expect(await profileVersion(testDb.db, a ?? '')).toEqual({ id: a, version: 2 });
    expect(await profileVersion(testDb.db, b ?? '')).toEqual({ id: b, version: 1 });

    // Another transaction created b first: this writer's "new" b must not overwrite it.
    const raced = { ...emptyDraft(b ?? '', 3_000, []), traits: { plan: 'stale' } };
    expect(await saveProfiles(testDb.db, [raced], 7_000)).toEqual([b]);
    const { drafts: after } = await testDb.db.transaction((tx) => lockProfiles(tx, [a ?? '', b ?? '']));
    expect(after.get(b ?? '')?.traits).toEqual({ plan: 'free' });
    expect(after.get(a ?? '')).toMatchObject({ traits: { plan: 'pro' }, eventCount: 3, isNew: false });
  });
});
