import { deflateSync, gzipSync } from 'node:zlib';
import { describeWithInfra } from '@cjo/testkit';
import { admin, basicAuth, startIngest, type IngestHarness } from './support/ingest-harness';

describeWithInfra(['postgres', 'redis'], 'ingest speaks to browsers and compressing clients', () => {
  let ingest: IngestHarness;
  let writeKey: string;

  beforeAll(async () => {
    ingest = await startIngest();
    writeKey = (await ingest.createSource('formats')).writeKey;
  });

  afterAll(async () => {
    await ingest?.dispose();
  });

  const batch = (label: string) => ({
    batch: [
      { type: 'track', userId: 'u', event: `${label} 🎉`, messageId: `${label}-1` },
      { type: 'identify', userId: 'u', traits: { label }, messageId: `${label}-2` },
    ],
  });

  function lastPublished(count: number) {
    return ingest.published().slice(-count);
  }

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ])('accepts a %s-compressed body', async (encoding, compress) => {
    const response = await ingest.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { ...basicAuth(writeKey), 'content-type': 'application/json', 'content-encoding': encoding },
      payload: compress(Buffer.from(JSON.stringify(batch(encoding)))),
    });
    expect(response.statusCode).toBe(200);
    expect(lastPublished(2).map((event) => [event.messageId, event.event])).toEqual([
      [`${encoding}-1`, `${encoding} 🎉`],
      [`${encoding}-2`, null],
    ]);
  });

  it('accepts JSON sent as text/plain with the write key in the body, as navigator.sendBeacon does', async () => {
    const response = await ingest.inject({
      method: 'POST',
      url: '/v1/page',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
      payload: JSON.stringify({ anonymousId: 'beacon-anon', name: 'Checkout', writeKey, messageId: 'beacon-1' }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(lastPublished(1)[0]).toMatchObject({ messageId: 'beacon-1', type: 'page', name: 'Checkout' });
  });

  it('turns a numeric userId into a string, as Segment does', async () => {
    const response = await ingest.post('/v1/identify', { userId: 42, traits: { plan: 'pro' } }, basicAuth(writeKey));
    expect(response.statusCode).toBe(200);
    expect(lastPublished(1)[0]).toMatchObject({ type: 'identify', userId: '42' });
  });

  it('answers a CORS preflight for any origin, allowing Authorization and Content-Type on POST', async () => {
    const response = await ingest.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: {
        origin: 'https://any-site.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': expect.stringContaining('POST'),
      'access-control-allow-headers': expect.stringMatching(/Authorization.*Content-Type/),
    });
  });

  it('puts CORS headers on errors too, so browser SDKs can read why they were refused', async () => {
    const response = await ingest.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { 'content-type': 'application/json', origin: 'https://any-site.example' },
      payload: '{"broken":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  it('keeps the admin API out of CORS', async () => {
    const response = await ingest.inject({
      method: 'GET',
      url: '/v1/sources',
      headers: { ...admin, origin: 'https://any-site.example' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await ingest.inject({
      method: 'OPTIONS',
      url: '/v1/sources',
      headers: { origin: 'https://any-site.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('stamps context.ip from the peer, ignoring X-Forwarded-For from an untrusted peer', async () => {
    const response = await ingest.inject({
      method: 'POST',
      url: '/v1/track',
      remoteAddress: '198.51.100.20',
      headers: { ...basicAuth(writeKey), 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9', 'user-agent': 'shop-app/1.0' },
      payload: JSON.stringify({ userId: 'u', event: 'Peer' }),
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(lastPublished(1)[0]?.contextJson ?? '')).toEqual({ ip: '198.51.100.20', userAgent: 'shop-app/1.0' });
  });

  it('lists every tracking and admin route in the OpenAPI description, with tags, summaries and security', async () => {
    const spec = (await ingest.inject({ method: 'GET', url: '/openapi.json' })).json();
    const tracking = ['track', 'identify', 'page', 'screen', 'group', 'alias', 'batch', 'import'].map((name) => `/v1/${name}`);
    for (const path of tracking) {
      expect({ path, operation: spec.paths[path]?.post }).toMatchObject({
        path,
        operation: {
          tags: ['ingest'],
          summary: expect.any(String),
          security: [{ writeKey: [] }],
          requestBody: { content: { 'application/json': expect.anything(), 'text/plain': expect.anything() } },
        },
      });
    }
    for (const [path, method] of [
      ['/v1/sources', 'post'],
      ['/v1/sources', 'get'],
      ['/v1/sources/{id}/rotate-key', 'post'],
      ['/v1/sources/{id}/disable', 'post'],
    ] as const) {
      expect({ path, operation: spec.paths[path]?.[method] }).toMatchObject({
        path,
        operation: { tags: ['ingest'], summary: expect.any(String), security: [{ adminToken: [] }] },
      });
    }
  });
});

describeWithInfra(['postgres', 'redis'], 'ingest behind a trusted proxy', () => {
  let ingest: IngestHarness;
  let auth: { authorization: string };

  beforeAll(async () => {
    ingest = await startIngest({ config: { TRUSTED_PROXIES: ['10.0.0.0/8', '192.0.2.1'] } });
    auth = basicAuth((await ingest.createSource('proxied')).writeKey);
  });

  afterAll(async () => {
    await ingest?.dispose();
  });

  it.each([
    ['a trusted proxy: the forwarded client', '10.1.2.3', '203.0.113.9', '203.0.113.9'],
    ['a chain of trusted proxies: the first untrusted hop', '10.1.2.3', '203.0.113.9, 192.0.2.1', '203.0.113.9'],
    ['a spoofed chain: the hop the trusted proxy saw', '10.1.2.3', '6.6.6.6, 198.51.100.5', '198.51.100.5'],
    ['an untrusted peer: the peer itself', '198.51.100.77', '203.0.113.9', '198.51.100.77'],
  ])('stamps context.ip behind %s', async (_label, peer, forwardedFor, expected) => {
    const before = ingest.published().length;
    const response = await ingest.inject({
      method: 'POST',
      url: '/v1/track',
      remoteAddress: peer,
      headers: { ...auth, 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      payload: JSON.stringify({ userId: 'u', event: 'Proxied' }),
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(ingest.published()[before]?.contextJson ?? '')).toMatchObject({ ip: expected });
  });
});
