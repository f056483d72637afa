import { createMemoryBus, type MemoryBus } from '@cjo/bus';
import { createContract, topicSpecs } from '@cjo/contract';
import { createMemoryKv } from '@cjo/kv';
import { createLogger } from '@cjo/log';
import { createTestDb, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { identityMigrationsDir } from '../src';
import { startIdentity, type IdentityHarness } from './support/identity-harness';
import { event } from './support/memory-graph';

const logger = createLogger({ name: 'identity-api-test', level: 'silent' });

describeWithInfra(['postgres'], 'identity admin API', () => {
  let bus: MemoryBus;
  let testDb: TestDb;
  let harness: IdentityHarness;

  beforeEach(async () => {
    bus = createMemoryBus();
    await bus.ensureTopics(topicSpecs());
    testDb = await createTestDb('identity_api', identityMigrationsDir);
    harness = await startIdentity({ bus, db: testDb.db, kv: createMemoryKv(), contract: createContract(), logger });
  });

  afterEach(async () => {
    await harness?.stop();
    await testDb?.dispose();
    await bus?.close();
  });

  async function resolve(...events: ReturnType<typeof event>[]): Promise<string[]> {
    const profiles: string[] = [];
    for (const e of events) {
      await harness.publishRaw(e);
      profiles.push((await harness.waitResolved([e.messageId])).get(e.messageId)?.profileId ?? 'unresolved');
    }
    return profiles;
  }

  it('looks up an identifier with the value normalised like the events', async () => {
    const [profileId] = await resolve(event({ type: 'identify', userId: 'u-1', anonymousId: 'a-1', traits: { email: 'Ada@Example.com', phone: '+1 202 555 0143' } }));
    const byEmail = await harness.admin('GET', '/v1/identities/email/%20ADA@example.COM');
    expect(byEmail.statusCode).toBe(200);
    expect(byEmail.json()).toEqual({
      profileId,
      identifiers: expect.arrayContaining([
        { type: 'userId', value: 'u-1', linkedAt: expect.any(String), messageId: expect.any(String) },
        expect.objectContaining({ type: 'email', value: 'ada@example.com' }),
        expect.objectContaining({ type: 'phone', value: '+12025550143' }),
        expect.objectContaining({ type: 'anonymousId', value: 'a-1' }),
      ]),
    });
    expect((await harness.admin('GET', '/v1/identities/phone/+1%20(202)%20555-0143')).json()).toMatchObject({ profileId });
    expect((await harness.admin('GET', '/v1/identities/userId/U-1')).statusCode).toBe(404);
    const unknownType = await harness.admin('GET', '/v1/identities/fax/123');
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json()).toMatchObject({ error: { code: 'unknown_identifier_type' } });
    const anonymous = await harness.app.inject({ method: 'GET', url: '/v1/identities/userId/u-1' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('explains merges and conflicts in the identity graph, also when asked for the merged-away id', async () => {
    const [laptop, phone] = await resolve(event({ type: 'page', anonymousId: 'laptop' }), event({ type: 'page', anonymousId: 'phone' }));
    const login = event({ type: 'identify', userId: 'u-2', anonymousId: 'phone' });
    const merging = event({ type: 'identify', userId: 'u-2', anonymousId: 'laptop' });
    const intruder = event({ type: 'identify', userId: 'u-3', anonymousId: 'laptop' });
    await resolve(login, merging, intruder);

    const graph = await harness.admin('GET', `/v1/profiles/${phone}/identity-graph`);
    expect(graph.statusCode).toBe(200);
    const body = graph.json();
    expect(body).toMatchObject({ profileId: laptop, requestedProfileId: phone, mergedProfileIds: [phone] });
    expect(body.identifiers.map((i: { value: string }) => i.value).sort()).toEqual(['laptop', 'phone', 'u-2']);
    expect(body.history).toEqual([
      expect.objectContaining({
        kind: 'merge',
        survivorProfileId: laptop,
        mergedProfileId: phone,
        messageId: merging.messageId,
        reason: 'identify linked userId u-2 to anonymousId laptop',
        undoneBySplitId: null,
      }),
      expect.objectContaining({
        kind: 'conflict',
        conflictKind: 'merge_protection',
        otherProfileId: laptop,
        identifier: { type: 'anonymousId', value: 'laptop' },
        firstMessageId: intruder.messageId,
        occurrences: 1,
      }),
    ]);
    expect((await harness.admin('GET', '/v1/profiles/00000000-0000-4000-8000-000000000000/identity-graph')).statusCode).toBe(404);
    expect((await harness.admin('GET', '/v1/profiles/not-a-uuid/identity-graph')).statusCode).toBe(400);
  });

  it('undoes a merge by mergeId, resolves later events by the new graph, and records a re-merge', async () => {
    const [laptop, phone] = await resolve(event({ type: 'page', anonymousId: 'l' }), event({ type: 'page', anonymousId: 'p' }));
    await resolve(event({ type: 'identify', userId: 'u-4', anonymousId: 'l' }), event({ type: 'identify', userId: 'u-4', anonymousId: 'p' }));
    const [merge] = harness.merges();
    expect(merge).toMatchObject({ survivorProfileId: laptop, mergedProfileId: phone });

    const split = await harness.admin('POST', '/v1/identities/split', { mergeId: merge!.mergeId, reason: 'shared family tablet' });
    expect(split.statusCode).toBe(201);
    expect(split.json()).toMatchObject({
      fromProfileId: laptop,
      newProfileId: phone,
      identifiers: [{ type: 'anonymousId', value: 'p' }],
      mergeId: merge!.mergeId,
      published: true,
    });
    await waitFor(() => harness.changes.records.some((change) => change.split !== null), { timeoutMs: 5_000 });
    expect(harness.changes.keys[harness.changes.keys.length - 1]).toBe(laptop);
    const [afterSplit] = await resolve(event({ type: 'page', anonymousId: 'p' }));
    expect(afterSplit).toBe(phone);
    const again = await harness.admin('POST', '/v1/identities/split', { mergeId: merge!.mergeId, reason: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'merge_already_undone' } });

    const remerge = event({ type: 'identify', userId: 'u-4', anonymousId: 'p' });
    const [remerged] = await resolve(remerge);
    expect(remerged).toBe(laptop);
    const history = (await harness.admin('GET', `/v1/profiles/${laptop}/identity-graph`)).json().history;
    expect(history.map((entry: { kind: string }) => entry.kind)).toEqual(['merge', 'split', 'merge']);
    expect(history[0]).toMatchObject({ undoneBySplitId: split.json().splitId });
    expect(history[2]).toMatchObject({ messageId: remerge.messageId, undoneBySplitId: null });
  });

  it('splits listed identifiers onto a new profile, and refuses what it cannot do', async () => {
    const [profileId] = await resolve(event({ type: 'identify', userId: 'u-5', anonymousId: 'a-5', traits: { email: 'five@example.com' } }));
    const notHers = await harness.admin('POST', '/v1/identities/split', {
      profileId,
      identifiers: [{ type: 'anonymousId', value: 'someone-else' }],
      reason: 'cleanup',
    });
    expect(notHers.statusCode).toBe(409);
    expect(notHers.json()).toMatchObject({ error: { code: 'identifier_not_on_profile' } });
    const everything = await harness.admin('POST', '/v1/identities/split', {
      profileId,
      identifiers: [
        { type: 'userId', value: 'u-5' },
        { type: 'anonymousId', value: 'a-5' },
        { type: 'email', value: 'five@example.com' },
      ],
      reason: 'cleanup',
    });
    expect(everything.statusCode).toBe(422);
    const split = await harness.admin('POST', '/v1/identities/split', {
      profileId,
      identifiers: [{ type: 'email', value: 'FIVE@example.com' }],
      reason: 'the email belongs to the assistant',
    });
    expect(split.statusCode).toBe(201);
    const { newProfileId } = split.json();
    expect((await harness.admin('GET', '/v1/identities/email/five@example.com')).json()).toMatchObject({ profileId: newProfileId });
    const [later] = await resolve(event({ type: 'page', anonymousId: 'a-9', context: { traits: { email: 'five@example.com' } } }));
    expect(later).toBe(newProfileId);

    const badBody = await harness.admin('POST', '/v1/identities/split', { profileId, reason: 'x' });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('either mergeId') } });
    const both = await harness.admin('POST', '/v1/identities/split', { mergeId: profileId, profileId, identifiers: [{ type: 'userId', value: 'u-5' }], reason: 'x' });
    expect(both.statusCode).toBe(400);
    const unknownMerge = await harness.admin('POST', '/v1/identities/split', { mergeId: '00000000-0000-4000-8000-000000000000', reason: 'x' });
    expect(unknownMerge.statusCode).toBe(404);
  });

  it('defines identifier types through the API, stores them and links their values', async () => {
    const put = await harness.admin('PUT', '/v1/identifier-types/deviceId', { paths: ['context.device.id'], normalisation: 'lowercase' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ type: 'deviceId', paths: ['context.device.id'], normalisation: 'lowercase', maxPerProfile: 5, source: 'api' });
    const [first, second] = await resolve(
      event({ type: 'page', anonymousId: 'browser-1', context: { device: { id: 'DEV-1' } } }),
      event({ type: 'page', anonymousId: 'browser-2', context: { device: { id: 'dev-1' } } }),
    );
    expect(second).toBe(first);
    const list = (await harness.admin('GET', '/v1/identifier-types')).json();
    expect(list.types.map((t: { type: string }) => t.type)).toEqual(['userId', 'email', 'phone', 'deviceId', 'anonymousId']);
    expect(list.blockedValues).toContain('guest');
    const builtin = await harness.admin('PUT', '/v1/identifier-types/email', { paths: ['traits.mail'] });
    expect(builtin.statusCode).toBe(409);
    const badPath = await harness.admin('PUT', '/v1/identifier-types/crmId', { paths: ['body.crm'] });
    expect(badPath.statusCode).toBe(400);
    expect((await harness.admin('DELETE', '/v1/identifier-types/deviceId')).statusCode).toBe(204);
    expect((await harness.admin('DELETE', '/v1/identifier-types/deviceId')).statusCode).toBe(404);
    const [third] = await resolve(event({ type: 'page', anonymousId: 'browser-3', context: { device: { id: 'dev-1' } } }));
    expect(third).not.toBe(first);
  });
});
