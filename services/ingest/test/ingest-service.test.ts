import { createMemoryBus, type MemoryBus } from '@cjo/bus';
import { createContract, topicSpecs, type RawEvent } from '@cjo/contract';
import { createHttpApp, type HttpApp } from '@cjo/http';
import { createMemoryKv } from '@cjo/kv';
import { createLogger } from '@cjo/log';
import { collectRecords, createTestDb, type Collected, type TestDb } from '@cjo/service-testkit';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { createIngestService, ingestMigrationsDir } from '../src';
import { hashWriteKey } from '../src/steps/authenticate';
import { testConfig } from './support/ingest-harness';

const contract = createContract();
const logger = createLogger({ name: 'ingest-test', level: 'silent' });
const receivedAt = Date.parse('2024-05-01T12:00:00.000Z');
const admin = { authorization: 'Bearer admin-token' };

function basicAuth(writeKey: string): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
}

describeWithInfra(['postgres'], 'ingest service on the memory bus and Postgres', () => {
  let bus: MemoryBus;
  let testDb: TestDb;
  let app: HttpApp;
  let published: Collected<RawEvent>;
  /** Teardown of what beforeEach created, run in reverse even when beforeEach failed halfway. */
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    bus = createMemoryBus();
    cleanups.push(() => bus.close());
    await bus.ensureTopics(topicSpecs());
    testDb = await createTestDb('ingest_test', ingestMigrationsDir);
    cleanups.push(() => testDb.dispose());
    const service = createIngestService({
      config: { ...testConfig, CJO_ADMIN_TOKEN: 'admin-token', SOURCE_CACHE_TTL_MS: 60_000 },
      logger,
      bus,
      db: testDb.db,
      kv: createMemoryKv(),
      contract,
      now: () => receivedAt,
    });
    app = await createHttpApp({ logger, serviceName: 'ingest' });
    cleanups.push(() => app.close());
    await app.register(service.routes ?? (async () => undefined));
    published = await collectRecords(bus, contract.codec('rawEvents'));
    cleanups.push(() => published.stop());
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function createSource(name = 'website'): Promise<{ id: string; name: string; writeKey: string }> {
    const response = await app.inject({ method: 'POST', url: '/v1/sources', headers: admin, payload: { name } });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  function track(headers: Record<string, string>, payload: unknown) {
    return app.inject({ method: 'POST', url: '/v1/track', headers, payload: payload as Record<string, unknown> });
  }

  describe('POST /v1/sources', () => {
    it('creates a source and keeps only the hash of its write key', async () => {
      const source = await createSource('web shop');
      expect(source).toEqual({ id: expect.any(String), name: 'web shop', writeKey: expect.stringMatching(/^[\w-]{32}$/) });
      const { rows } = await testDb.db.query('SELECT name, write_key_hash FROM sources WHERE id = $1', [source.id]);
      expect(rows).toEqual([{ name: 'web shop', write_key_hash: hashWriteKey(source.writeKey) }]);
    });

    it('refuses a caller without the admin token', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/sources', payload: { name: 'x' } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    });
  });

  describe('POST /v1/track', () => {
    it('publishes the event keyed by userId before answering 200', async () => {
      const source = await createSource();
      const response = await track(basicAuth(source.writeKey), {
        userId: 'user-1',
        anonymousId: 'anon-1',
        event: 'Order Completed',
        properties: { total: 42 },
        timestamp: '2024-05-01T11:59:00.000Z',
        messageId: 'msg-1',
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ success: true });
      await waitFor(() => published.records.length === 1, { message: 'the raw event', timeoutMs: 5_000 });
      expect(published.keys[0]).toBe('user-1');
      expect(published.records[0]).toEqual({
        messageId: 'msg-1',
        type: 'track',
        sourceId: source.id,
        userId: 'user-1',
        anonymousId: 'anon-1',
        event: 'Order Completed',
        name: null,
        previousId: null,
        groupId: null,
        propertiesJson: '{"total":42}',
        traitsJson: '{}',
        // Ingest adds the client's address and user agent (light-my-request's) to the context.
        contextJson: '{"ip":"127.0.0.1","userAgent":"lightMyRequest"}',
        integrationsJson: '{}',
        timestamp: Date.parse('2024-05-01T11:59:00.000Z'),
        originalTimestamp: null,
        sentAt: null,
        receivedAt,
      });
    });

    it('keys an anonymous event by anonymousId and generates its messageId', async () => {
      const source = await createSource();
      const response = await track(basicAuth(source.writeKey), { anonymousId: 'anon-2', event: 'Viewed' });
      expect(response.statusCode).toBe(200);
      await waitFor(() => published.records.length === 1, { message: 'the raw event', timeoutMs: 5_000 });
      expect(published.keys[0]).toBe('anon-2');
      expect(published.records[0]?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it.each([
      ['no Authorization header', {}],
      ['an unknown write key', basicAuth('not-a-key')],
      ['a Bearer token', { authorization: 'Bearer admin-token' }],
    ])('answers 401 for %s', async (_label, headers) => {
      const response = await track(headers, { userId: 'u', event: 'e' });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(published.records).toHaveLength(0);
    });

    it('answers 400 when neither userId nor anonymousId is given', async () => {
      const source = await createSource();
      const response = await track(basicAuth(source.writeKey), { event: 'Viewed' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: { code: 'invalid_event', message: 'either userId or anonymousId is required' },
      });
    });

    it('answers 400 for a body without an event name', async () => {
      const source = await createSource();
      const response = await track(basicAuth(source.writeKey), { userId: 'u' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'invalid_request' } });
    });

    it('answers 400 for malformed JSON', async () => {
      const source = await createSource();
      const response = await app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { ...basicAuth(source.writeKey), 'content-type': 'application/json' },
        payload: '{"userId": "u", ',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'invalid_json' } });
    });

    it('answers 503 with Retry-After and publishes nothing while the bus is down', async () => {
      const source = await createSource();
      bus.setAvailable(false);
      const refused = await track(basicAuth(source.writeKey), { userId: 'u', event: 'Lost', messageId: 'm-lost' });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toEqual({ error: { code: 'bus_unavailable', message: expect.any(String) } });

      bus.setAvailable(true);
      const accepted = await track(basicAuth(source.writeKey), { userId: 'u', event: 'Kept', messageId: 'm-kept' });
      expect(accepted.statusCode).toBe(200);
      await waitFor(() => published.records.length === 1, { message: 'the accepted event', timeoutMs: 5_000 });
      expect(published.records.map((record) => record.messageId)).toEqual(['m-kept']);
    });

    it('refuses a disabled source', async () => {
      const source = await createSource();
      await testDb.db.query('UPDATE sources SET disabled_at = now() WHERE id = $1', [source.id]);
      const response = await track(basicAuth(source.writeKey), { userId: 'u', event: 'e' });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'source_disabled' } });
    });

    it('caches the source lookup, so disabling takes effect only when the entry expires', async () => {
      const source = await createSource();
      expect((await track(basicAuth(source.writeKey), { userId: 'u', event: 'e1' })).statusCode).toBe(200);
      await testDb.db.query('UPDATE sources SET disabled_at = now() WHERE id = $1', [source.id]);
      expect((await track(basicAuth(source.writeKey), { userId: 'u', event: 'e2' })).statusCode).toBe(200);
    });
  });
});
