import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryKv, createRedisKv, type Kv } from '@cjo/kv';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { dedupeKey, kvDedupeStore } from '../src/dedupe-store';
import { basicAuth, startIngest, type IngestHarness } from './support/ingest-harness';

const PENDING_TTL_MS = 1_500;

describeWithInfra(['postgres', 'redis'], 'ingest never loses nor duplicates an accepted event', () => {
  let ingest: IngestHarness;
  let auth: { authorization: string };
  let sourceId: string;

  beforeEach(async () => {
    ingest = await startIngest({ config: { DEDUPE_PENDING_TTL_MS: PENDING_TTL_MS } });
    const source = await ingest.createSource('guarantees');
    auth = basicAuth(source.writeKey);
    sourceId = source.id;
  });

  afterEach(async () => {
    await ingest.dispose();
  });

  const messageIds = () => ingest.published().map((event) => event.messageId);
  const batchOf = (...ids: string[]) => ({
    batch: ids.map((messageId) => ({ type: 'track', userId: `user-${messageId}`, event: 'Batched', messageId })),
  });

  describe('broker down', () => {
    it('answers 503 with Retry-After and publishes nothing; the retry publishes the batch exactly once', async () => {
      ingest.bus.setAvailable(false);
      const refused = await ingest.post('/v1/batch', batchOf('b-1', 'b-2', 'b-3'), auth);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toEqual({ error: { code: 'bus_unavailable', message: expect.any(String) } });
      expect(ingest.publishCalls()).toBe(0);
      // The failed publish released its claims: nothing stands in the way of the retry.
      await expect(ingest.kv.get(dedupeKey(sourceId, 'b-1'))).resolves.toBeNull();

      ingest.bus.setAvailable(true);
      const retried = await ingest.post('/v1/batch', batchOf('b-1', 'b-2', 'b-3'), auth);
      expect(retried.statusCode).toBe(200);
      const again = await ingest.post('/v1/batch', batchOf('b-1', 'b-2', 'b-3'), auth);
      expect(again.statusCode).toBe(200);
      expect(messageIds()).toEqual(['b-1', 'b-2', 'b-3']);
      expect(ingest.publishCalls()).toBe(1);
    });

    it('answers 503 for every single-call endpoint while the bus is down', async () => {
      ingest.bus.setAvailable(false);
      for (const [url, body] of [
        ['/v1/track', { userId: 'u', event: 'e' }],
        ['/v1/identify', { userId: 'u' }],
        ['/v1/page', { anonymousId: 'a' }],
        ['/v1/screen', { anonymousId: 'a' }],
        ['/v1/group', { userId: 'u', groupId: 'g' }],
        ['/v1/alias', { userId: 'u', previousId: 'a' }],
      ] as const) {
        const response = await ingest.post(url, body, auth);
        expect({ url, status: response.statusCode, retryAfter: response.headers['retry-after'] }).toEqual({
          url,
          status: 503,
          retryAfter: '5',
        });
      }
      expect(ingest.publishCalls()).toBe(0);
    });
  });

  describe('dedupe', () => {
    it('publishes a messageId sent twice once, answering 200 both times', async () => {
      const event = { userId: 'u', event: 'Paid', messageId: 'same-1' };
      expect((await ingest.post('/v1/track', event, auth)).statusCode).toBe(200);
      expect((await ingest.post('/v1/track', event, auth)).statusCode).toBe(200);
      // Also when it comes back inside a batch, next to a new event.
      expect((await ingest.post('/v1/batch', batchOf('same-1', 'new-1'), auth)).statusCode).toBe(200);
      expect(messageIds()).toEqual(['same-1', 'new-1']);
      const metrics = (await ingest.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/cjo_ingest_events_deduplicated_total\{service="ingest"\} 2/);
      expect(metrics).toMatch(/cjo_ingest_events_published_total\{service="ingest"\} 2/);
      expect(metrics).toMatch(/cjo_ingest_events_accepted_total\{type="track",service="ingest"\} 4/);
    });

    it('publishes duplicates inside one batch once', async () => {
      const response = await ingest.post('/v1/batch', batchOf('dup', 'dup', 'other', 'dup'), auth);
      expect(response.statusCode).toBe(200);
      expect(messageIds()).toEqual(['dup', 'other']);
    });

    it('keeps events without a messageId apart: each gets its own', async () => {
      await ingest.post('/v1/track', { userId: 'u', event: 'e' }, auth);
      await ingest.post('/v1/track', { userId: 'u', event: 'e' }, auth);
      expect(new Set(messageIds()).size).toBe(2);
    });

    it('publishes concurrent duplicates once; the requests refused meanwhile succeed on retry', async () => {
      const event = { userId: 'u', event: 'Concurrent', messageId: 'concurrent-1' };
      // Hold the first publish so the other requests find its claim.
      let release: () => void = () => undefined;
      ingest.bus.holdPublishes(new Promise<void>((resolve) => (release = resolve)));
      const first = ingest.post('/v1/track', event, auth);
      await waitFor(async () => (await ingest.kv.get(dedupeKey(sourceId, 'concurrent-1')))?.startsWith('pending:'), {
        message: 'the first request’s claim',
        intervalMs: 10,
      });
      const concurrent = await Promise.all(Array.from({ length: 8 }, () => ingest.post('/v1/track', event, auth)));
      for (const response of concurrent) {
        expect(response.statusCode).toBe(503);
        expect(response.headers['retry-after']).toBe('1');
        expect(response.json()).toMatchObject({ error: { code: 'duplicate_in_flight' } });
      }
      release();
      expect((await first).statusCode).toBe(200);
      const retries = await Promise.all(Array.from({ length: 8 }, () => ingest.post('/v1/track', event, auth)));
      expect(retries.map((response) => response.statusCode)).toEqual(Array(8).fill(200));
      expect(messageIds()).toEqual(['concurrent-1']);
    });

    it('publishes once when identical requests race without any hold', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => ingest.post('/v1/batch', batchOf('race-1', 'race-2'), auth)),
      );
      // Every request is either stored (200) or told to come back (503 duplicate_in_flight).
      for (const response of responses) expect([200, 503]).toContain(response.statusCode);
      expect(messageIds().sort()).toEqual(['race-1', 'race-2']);
    });

    it('after a crash between claim and publish, the retry publishes once the claim expires', async () => {
      // What a crashed instance leaves behind: a pending claim that will never be confirmed.
      const crashed = kvDedupeStore(ingest.kv, { pendingTtlMs: PENDING_TTL_MS, doneTtlMs: 60_000 });
      await expect(crashed.claim(sourceId, ['crash-1'], 'crashed-request')).resolves.toEqual(['claimed']);

      const blocked = await ingest.post('/v1/batch', batchOf('crash-1', 'fine-1'), auth);
      expect(blocked.statusCode).toBe(503);
      expect(blocked.headers['retry-after']).toBe('1');
      // The event nobody was holding is stored at once.
      expect(messageIds()).toEqual(['fine-1']);

      await sleep(PENDING_TTL_MS + 200);
      const retried = await ingest.post('/v1/batch', batchOf('crash-1', 'fine-1'), auth);
      expect(retried.statusCode).toBe(200);
      expect(messageIds()).toEqual(['fine-1', 'crash-1']);
    });

    it('after a publish that failed, the retry publishes exactly once', async () => {
      ingest.bus.setAvailable(false);
      const failed = await ingest.post('/v1/track', { userId: 'u', event: 'e', messageId: 'failed-1' }, auth);
      expect(failed.statusCode).toBe(503);
      ingest.bus.setAvailable(true);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await ingest.post('/v1/track', { userId: 'u', event: 'e', messageId: 'failed-1' }, auth)).statusCode).toBe(200);
      }
      expect(messageIds()).toEqual(['failed-1']);
    });
  });
});

describeWithInfra(['postgres'], 'ingest stopping', () => {
  it('answers before the done marker is written, and writes it before it stops', async () => {
    const memory = createMemoryKv();
    const steps: string[] = [];
    let releaseMarker = () => {};
    const markerHeld = new Promise<void>((resolve) => (releaseMarker = resolve));
    // A Kv whose marker writes answer late, as a slow Redis would.
    const slowMarkers: Kv = {
      ...memory,
      async setMany(entries, options) {
        const written = await memory.setMany(entries, options);
        await markerHeld;
        steps.push('marker written');
        return written;
      },
      async close() {
        steps.push('kv closed');
        await memory.close();
      },
    };
    const ingest = await startIngest({ kv: slowMarkers });
    const { writeKey } = await ingest.createSource('stopping');
    const answered = await ingest.post('/v1/track', { userId: 'u', event: 'e', messageId: 'last-1' }, basicAuth(writeKey));
    expect(answered.statusCode).toBe(200);
    expect(steps).toEqual([]);

    const disposed = ingest.dispose();
    await sleep(50);
    expect(steps).toEqual([]);
    releaseMarker();
    await disposed;
    expect(steps).toEqual(['marker written', 'kv closed']);
  });
});

describeWithInfra(['postgres'], 'ingest without Redis', () => {
  it('answers 503 kv_unavailable with Retry-After and publishes nothing', async () => {
    // Nothing listens on port 1: every command fails after one reconnection attempt.
    const deadRedis = createRedisKv({ url: 'redis://127.0.0.1:1', prefix: 'unused:', maxRetriesPerRequest: 1, connectTimeoutMs: 200 });
    const ingest = await startIngest({ kv: deadRedis });
    try {
      const source = await ingest.createSource('no-redis');
      const response = await ingest.post('/v1/track', { userId: 'u', event: 'e', messageId: 'm' }, basicAuth(source.writeKey));
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toEqual({ error: { code: 'kv_unavailable', message: expect.not.stringContaining('127.0.0.1') } });
      expect(ingest.publishCalls()).toBe(0);
    } finally {
      await ingest.dispose();
    }
  });
});

describeWithInfra(['postgres', 'redis'], 'ingest rate limits each source', () => {
  let ingest: IngestHarness;

  beforeEach(async () => {
    ingest = await startIngest({ config: { RATE_LIMIT_PER_SECOND: 5, RATE_LIMIT_BURST: 10 } });
  });

  afterEach(async () => {
    await ingest.dispose();
  });

  it('answers 429 rate_limited with Retry-After once a source spends its budget, other sources unaffected', async () => {
    const noisy = basicAuth((await ingest.createSource('noisy')).writeKey);
    const quiet = basicAuth((await ingest.createSource('quiet')).writeKey);
    // 10 + 5 events fit in the first second (burst + one second's rate); a batch counts every event.
    const batch = { batch: Array.from({ length: 15 }, (_, i) => ({ type: 'track', userId: 'u', event: `e${i}` })) };
    expect((await ingest.post('/v1/batch', batch, noisy)).statusCode).toBe(200);
    const limited = await ingest.post('/v1/track', { userId: 'u', event: 'one too many' }, noisy);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now());
    expect(ingest.published()).toHaveLength(15);

    expect((await ingest.post('/v1/track', { userId: 'u', event: 'quiet' }, quiet)).statusCode).toBe(200);
    const metrics = (await ingest.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/cjo_ingest_events_rejected_total\{reason="rate_limited",service="ingest"\} 1/);
  });

  it('refuses a batch larger than a second’s allowance with 400 too_many_events', async () => {
    const auth = basicAuth((await ingest.createSource('big')).writeKey);
    const batch = { batch: Array.from({ length: 16 }, (_, i) => ({ type: 'track', userId: 'u', event: `e${i}` })) };
    const response = await ingest.post('/v1/batch', batch, auth);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'too_many_events' } });
  });
});
