import { randomUUID } from 'node:crypto';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { identifierHash } from '../src/model/identifiers';
import { identify, idOnSamePartition, merged, track } from './support/events';
import { startProfiles, type ProfilesHarness } from './support/profiles-harness';

describeWithInfra(['postgres', 'redis'], 'profiles service: deletion and suppression', () => {
  let harness: ProfilesHarness;

  beforeEach(async () => {
    harness = await startProfiles();
  });

  afterEach(async () => {
    await harness?.dispose();
  });

  const eventCount = async (id: string): Promise<number | null> => {
    const response = await harness.api('GET', `/v1/profiles/${id}`);
    return response.statusCode === 200 ? response.json().eventCount : null;
  };

  async function profileWith(id: string, events: number): Promise<void> {
    await waitFor(async () => (await eventCount(id)) === events, { message: `profile ${id} with ${events} events` });
  }

  it('erases the profile, publishes ProfileDeleted, exits its segments and drops later events carrying its identifiers', async () => {
    const segment = await harness.api('POST', '/v1/segments?allowUnknown=true', { name: 'pro', rule: { trait: 'plan', op: 'eq', value: 'pro' } });
    const segmentId = segment.json().id;
    const id = randomUUID();
    await harness.publish(
      identify(id, { plan: 'pro', email: 'Erase@Me.io' }, { userId: 'u-erase', anonymousId: 'a-erase' }),
      track(id, 'Order Completed', { total: 5 }, { userId: 'u-erase' }),
    );
    await profileWith(id, 2);
    await harness.membershipsAfter(1);
    // Warm the cache: the deletion must not leave the cached view behind.
    expect((await harness.api('GET', `/v1/profiles/${id}`)).statusCode).toBe(200);

    const deleted = await harness.api('DELETE', `/v1/profiles/${id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ profileId: id, suppressedIdentifiers: [{ type: 'userId' }, { type: 'anonymousId' }, { type: 'email' }] });
    await waitFor(() => harness.deletions.records.length === 1, { message: 'the ProfileDeleted record' });
    expect(harness.deletions.records[0]).toEqual({
      deletionId: deleted.json().deletionId,
      profileId: id,
      identifiers: [
        { type: 'userId', value: 'u-erase' },
        { type: 'anonymousId', value: 'a-erase' },
        { type: 'email', value: 'erase@me.io' },
      ],
      deletedAt: expect.any(Number),
    });
    expect(harness.deletions.keys).toEqual([id]);
    const [, exited] = await harness.membershipsAfter(2);
    expect(exited).toMatchObject({ segmentId, profileId: id, change: 'exited', cause: 'profile_deleted' });

    expect((await harness.api('GET', `/v1/profiles/${id}`)).statusCode).toBe(410);
    expect((await harness.api('DELETE', `/v1/profiles/${id}`)).statusCode).toBe(410);
    expect((await harness.api('GET', '/v1/profiles/lookup?identifier=email&value=erase@me.io')).statusCode).toBe(410);
    for (const table of ['profile_events', 'profile_identifiers', 'segment_members', 'profiles']) {
      const column = table === 'profiles' ? 'id' : 'profile_id';
      const { rows } = await harness.db.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [id]);
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
    // Only hashes are kept.
    const { rows: stored } = await harness.db.query<{ hash: string; type: string }>('SELECT hash, type FROM suppressed_identifiers ORDER BY type');
    expect(stored).toEqual(
      [
        { hash: identifierHash({ type: 'anonymousId', value: 'a-erase' }), type: 'anonymousId' },
        { hash: identifierHash({ type: 'email', value: 'erase@me.io' }), type: 'email' },
        { hash: identifierHash({ type: 'userId', value: 'u-erase' }), type: 'userId' },
      ],
    );
    expect(JSON.stringify(stored)).not.toContain('erase@me.io');

    // Identity may still resolve the person to the old id, or (having forgotten it) to a new one: both are dropped.
    const fresh = randomUUID();
    const markers = [idOnSamePartition(id), idOnSamePartition(fresh)];
    await harness.publish(
      track(id, 'Late', {}, { userId: 'someone-else', anonymousId: null }),
      track(fresh, 'Came Back', {}, { userId: null, anonymousId: 'a-erase' }),
      identify(fresh, { email: 'ERASE@me.io ' }, { userId: null, anonymousId: 'new-device' }),
      ...markers.map((marker) => track(marker, 'Marker', {}, { userId: 'u-other' })),
    );
    for (const marker of markers) await profileWith(marker, 1);
    expect(await eventCount(fresh)).toBeNull();
    expect(await eventCount(id)).toBeNull();
  });

  it('accepts the identifiers again once an admin un-suppresses them', async () => {
    const id = randomUUID();
    await harness.publish(identify(id, { email: 'back@again.io' }, { userId: 'u-back', anonymousId: null }));
    await profileWith(id, 1);
    expect((await harness.api('DELETE', `/v1/profiles/${id}`)).statusCode).toBe(200);

    const listed = (await harness.api('GET', '/v1/suppressions')).json();
    expect(listed.suppressions.map((entry: { type: string }) => entry.type).sort()).toEqual(['email', 'userId']);
    const checked = (await harness.api('GET', '/v1/suppressions?identifier=email&value=BACK@again.io')).json();
    expect(checked.suppressions).toHaveLength(1);
    expect((await harness.api('GET', '/v1/suppressions?identifier=email')).statusCode).toBe(400);

    expect((await harness.api('DELETE', '/v1/suppressions?identifier=userId&value=u-back')).statusCode).toBe(204);
    expect((await harness.api('DELETE', '/v1/suppressions?identifier=userId&value=u-back')).statusCode).toBe(404);
    const stillBlocked = randomUUID();
    await harness.publish(identify(stillBlocked, { email: 'back@again.io' }, { userId: 'u-back', anonymousId: null }));
    const allowed = randomUUID();
    await harness.publish(track(allowed, 'Returned', {}, { userId: 'u-back', anonymousId: null }));
    await profileWith(allowed, 1);
    expect(await eventCount(stillBlocked)).toBeNull();
    // The deleted id stays blocked until every identifier of its deletion is lifted.
    const marker = idOnSamePartition(id);
    await harness.publish(track(id, 'Old id', {}, { userId: 'u-back', anonymousId: null }), track(marker, 'Marker'));
    await profileWith(marker, 1);
    expect(await eventCount(id)).toBeNull();
    expect((await harness.api('DELETE', '/v1/suppressions?identifier=email&value=back@again.io')).statusCode).toBe(204);
    await harness.publish(track(id, 'Old id again', {}, { userId: 'u-back', anonymousId: null }));
    await profileWith(id, 1);
  });

  it('suppresses an identifier by hand, and a merged-away id of a deleted profile stays deleted', async () => {
    const manual = await harness.api('POST', '/v1/suppressions', { identifier: 'email', value: 'Spam@Bot.io' });
    expect(manual.statusCode).toBe(201);
    expect(manual.json()).toMatchObject({ type: 'email', deletionId: null, hash: identifierHash({ type: 'email', value: 'spam@bot.io' }) });
    expect((await harness.api('POST', '/v1/suppressions', { identifier: 'email', value: 'spam@bot.io' })).statusCode).toBe(200);
    const bot = randomUUID();
    await harness.publish(identify(bot, { email: 'spam@bot.io' }));

    const [survivor, gone] = [randomUUID(), randomUUID()];
    await harness.publish(track(survivor, 'A', {}, { userId: 'u-s', anonymousId: null }), track(gone, 'B', {}, { userId: null, anonymousId: 'a-g' }));
    await profileWith(survivor, 1);
    await profileWith(gone, 1);
    await harness.publishIdentity(merged({ survivorProfileId: survivor, mergedProfileId: gone, identifiers: [{ type: 'anonymousId', value: 'a-g' }] }));
    await profileWith(survivor, 2);
    const deleted = await harness.api('DELETE', `/v1/profiles/${gone}`);
    expect(deleted.json()).toMatchObject({ profileId: survivor, mergedProfileIds: [gone] });
    const markers = [idOnSamePartition(gone), idOnSamePartition(bot)];
    await harness.publish(
      track(gone, 'Late for the merged id', {}, { userId: null, anonymousId: 'a-new' }),
      ...markers.map((marker) => track(marker, 'Marker')),
    );
    for (const marker of markers) await profileWith(marker, 1);
    const { rows } = await harness.db.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles');
    expect(rows[0]?.n).toBe(2);
    expect(await eventCount(bot)).toBeNull();
  });
});
