import { gzipSync } from 'node:zlib';
import { describeWithInfra } from '@cjo/testkit';
import { admin, basicAuth, startIngest, type IngestHarness } from './support/ingest-harness';

interface Keys {
  writeKey: string;
  disabledWriteKey: string;
}

interface BadRequest {
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer;
}

const json = 'application/json';
const long = 'x'.repeat(513);

/** A request with a valid write key unless `headers` replaces the Authorization header. */
function call(url: string, body: unknown, headers: Record<string, string> = {}) {
  return (keys: Keys): BadRequest => ({
    url,
    headers: { 'content-type': json, ...basicAuth(keys.writeKey), ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

/** No Authorization header at all. */
function unauthenticated(url: string, body: unknown) {
  return (): BadRequest => ({ url, headers: { 'content-type': json }, payload: JSON.stringify(body) });
}

const track = { userId: 'u', event: 'Viewed' };
const smallBatch = (count: number) => ({ batch: Array.from({ length: count }, (_, i) => ({ type: 'track', userId: 'u', event: `e${i}` })) });

type Case = [label: string, request: (keys: Keys) => BadRequest, status: number, code: string, message: RegExp];

const malformed: Case[] = [
  ['truncated JSON', call('/v1/track', '{"userId": "u", '), 400, 'invalid_json', /not valid JSON/],
  ['text that is not JSON', call('/v1/track', 'userId=u&event=e'), 400, 'invalid_json', /not valid JSON/],
  ['an empty body', call('/v1/track', ''), 400, 'invalid_json', /not valid JSON/],
  ['a JSON array', call('/v1/track', '[{"userId":"u","event":"e"}]'), 400, 'invalid_request', /body must be object/],
  ['a JSON string', call('/v1/track', '"hello"'), 400, 'invalid_request', /body must be object/],
  ['bytes that are not UTF-8', call('/v1/track', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])), 400, 'invalid_json', /UTF-8/],
  ['a __proto__ key', call('/v1/track', '{"userId":"u","event":"e","properties":{"__proto__":{"x":1}}}'), 400, 'invalid_json', /prototype/],
];

const wrongTypes: Case[] = [
  ['userId as an object', call('/v1/track', { ...track, userId: {} }), 400, 'invalid_request', /body\/userId must be string/],
  ['properties as a string', call('/v1/track', { ...track, properties: 'x' }), 400, 'invalid_request', /body\/properties must be object/],
  ['context as an array', call('/v1/identify', { userId: 'u', context: [1, 2] }), 400, 'invalid_request', /body\/context must be object/],
  ['traits as a number', call('/v1/identify', { userId: 'u', traits: 5 }), 400, 'invalid_request', /body\/traits must be object/],
  ['timestamp as an object', call('/v1/track', { ...track, timestamp: {} }), 400, 'invalid_request', /body\/timestamp must be string/],
  ['a timestamp that is no date', call('/v1/track', { ...track, timestamp: 'yesterday' }), 400, 'invalid_event', /timestamp is not an ISO-8601 date/],
  ['batch as an object', call('/v1/batch', { batch: { type: 'track' } }), 400, 'invalid_request', /body\/batch must be array/],
  ['an empty batch', call('/v1/batch', { batch: [] }), 400, 'invalid_request', /body\/batch must NOT have fewer than 1 items/],
  ['a batch item of unknown type', call('/v1/batch', { batch: [{ ...track, type: 'purchase' }] }), 400, 'invalid_request', /body\/batch\/0\/type must be equal to one of the allowed values/],
  ['a batch item that is a string', call('/v1/import', { batch: [{ ...track, type: 'track' }, 'x'] }), 400, 'invalid_request', /body\/batch\/1 must be object/],
  ['a body type that is not the endpoint', call('/v1/track', { ...track, type: 'identify' }), 400, 'invalid_event', /the body says type "identify"/],
];

const bomb = gzipSync(Buffer.concat([Buffer.from('{"batch":[{"type":"track","userId":"u","event":"'), Buffer.alloc(20 * 1024 * 1024, 0x61), Buffer.from('"}]}')]));

const tooLarge: Case[] = [
  ['an event over 32 KB', call('/v1/track', { ...track, properties: { blob: 'x'.repeat(40_000) } }), 400, 'event_too_large', /^the event is \d+ bytes; the limit is 32768 bytes per event$/],
  ['a batch item over 32 KB', call('/v1/batch', { batch: [...smallBatch(2).batch, { type: 'track', userId: 'u', event: 'big', properties: { blob: 'é'.repeat(20_000) } }] }), 400, 'event_too_large', /^event 2 is 40\d\d\d bytes; the limit is 32768 bytes per event$/],
  ['a request over 500 KB', call('/v1/batch', { batch: Array.from({ length: 30 }, () => ({ ...track, type: 'track', properties: { blob: 'x'.repeat(20_000) } })) }), 400, 'request_too_large', /the limit is 512000 bytes per request/],
  ['a gzip bomb', call('/v1/batch', bomb, { 'content-encoding': 'gzip' }), 400, 'request_too_large', /decompressed request body is over 512000 bytes/],
  ['a body that is not the gzip it claims', call('/v1/track', JSON.stringify(track), { 'content-encoding': 'gzip' }), 400, 'invalid_body_encoding', /not valid gzip/],
  ['an unsupported Content-Encoding', call('/v1/track', JSON.stringify(track), { 'content-encoding': 'br' }), 415, 'unsupported_content_encoding', /"br" is not supported/],
];

const missingFields: Case[] = [
  ['track without userId or anonymousId', call('/v1/track', { event: 'e' }), 400, 'invalid_event', /either userId or anonymousId is required/],
  ['identify without ids', call('/v1/identify', { traits: { a: 1 } }), 400, 'invalid_event', /either userId or anonymousId is required/],
  ['page with null ids', call('/v1/page', { userId: null, anonymousId: null, name: 'Home' }), 400, 'invalid_event', /either userId or anonymousId is required/],
  ['screen with empty ids', call('/v1/screen', { userId: '', anonymousId: '' }), 400, 'invalid_event', /either userId or anonymousId is required/],
  ['group without ids', call('/v1/group', { groupId: 'g' }), 400, 'invalid_event', /either userId or anonymousId is required/],
  ['track without event', call('/v1/track', { userId: 'u' }), 400, 'invalid_request', /must have required property 'event'/],
  ['track with an empty event', call('/v1/track', { userId: 'u', event: '' }), 400, 'invalid_request', /body\/event must NOT have fewer than 1 characters/],
  ['group without groupId', call('/v1/group', { userId: 'u' }), 400, 'invalid_request', /must have required property 'groupId'/],
  ['alias without previousId', call('/v1/alias', { userId: 'u' }), 400, 'invalid_request', /must have required property 'previousId'/],
  ['alias without userId', call('/v1/alias', { previousId: 'p', anonymousId: 'a' }), 400, 'invalid_request', /must have required property 'userId'/],
  ['a batch track without event', call('/v1/batch', { batch: [{ type: 'track', userId: 'u', event: 'ok' }, { type: 'track', userId: 'u' }] }), 400, 'invalid_event', /^event 1: a track call needs an event name$/],
  ['a batch group without groupId', call('/v1/batch', { batch: [{ type: 'group', userId: 'u' }] }), 400, 'invalid_event', /^event 0: a group call needs groupId$/],
  ['a batch alias without previousId', call('/v1/batch', { batch: [{ type: 'alias', userId: 'u' }] }), 400, 'invalid_event', /^event 0: an alias call needs previousId$/],
  ['a batch identify without ids', call('/v1/batch', { batch: [...smallBatch(3).batch, { type: 'identify' }] }), 400, 'invalid_event', /^event 3: either userId or anonymousId is required$/],
];

const longIds: Case[] = [
  ['a 513-character userId', call('/v1/track', { ...track, userId: long }), 400, 'invalid_request', /body\/userId must NOT have more than 512 characters/],
  ['a 513-character anonymousId', call('/v1/page', { anonymousId: long }), 400, 'invalid_request', /body\/anonymousId must NOT have more than 512 characters/],
  ['a 513-character messageId', call('/v1/track', { ...track, messageId: long }), 400, 'invalid_request', /body\/messageId must NOT have more than 512 characters/],
  ['a 513-character groupId', call('/v1/group', { userId: 'u', groupId: long }), 400, 'invalid_request', /body\/groupId must NOT have more than 512 characters/],
  ['a 513-character previousId', call('/v1/alias', { userId: 'u', previousId: long }), 400, 'invalid_request', /body\/previousId must NOT have more than 512 characters/],
  ['a 513-character userId in a batch', call('/v1/batch', { batch: [{ type: 'identify', userId: long }] }), 400, 'invalid_request', /body\/batch\/0\/userId must NOT have more than 512 characters/],
];

const badAuth: Case[] = [
  ['no write key at all', unauthenticated('/v1/track', track), 401, 'unauthorized', /missing write key/],
  ['a Bearer token', call('/v1/track', track, { authorization: `Bearer ${'admin'}` }), 401, 'unauthorized', /Basic scheme/],
  ['an unknown write key', call('/v1/track', track, basicAuth('not-a-write-key')), 401, 'unauthorized', /unknown write key/],
  ['an empty Basic user name', call('/v1/track', track, { authorization: `Basic ${Buffer.from(':secret').toString('base64')}` }), 401, 'unauthorized', /user name \(the write key\) is empty/],
  ['an unknown write key in the body', unauthenticated('/v1/batch', { ...smallBatch(1), writeKey: 'not-a-write-key' }), 401, 'unauthorized', /unknown write key/],
  ['the write key of a disabled source', (keys) => call('/v1/track', track, basicAuth(keys.disabledWriteKey))(keys), 403, 'source_disabled', /disabled/],
  ['the body write key of a disabled source', (keys) => unauthenticated('/v1/batch', { ...smallBatch(1), writeKey: keys.disabledWriteKey })(), 403, 'source_disabled', /disabled/],
];

const wrongContentType: Case[] = [
  ['a form body', call('/v1/track', 'userId=u&event=e', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type', /application\/x-www-form-urlencoded/],
  ['an HTML body', call('/v1/track', JSON.stringify(track), { 'content-type': 'text/html' }), 415, 'unsupported_media_type', /text\/html/],
  ['a multipart body', call('/v1/batch', '--x--', { 'content-type': 'multipart/form-data; boundary=x' }), 415, 'unsupported_media_type', /multipart/],
];

describeWithInfra(['postgres', 'redis'], 'ingest refuses bad input with a stable code and publishes nothing', () => {
  let ingest: IngestHarness;
  let keys: Keys;

  beforeAll(async () => {
    ingest = await startIngest();
    const source = await ingest.createSource('bad-input');
    const disabled = await ingest.createSource('disabled');
    const response = await ingest.inject({ method: 'POST', url: `/v1/sources/${disabled.id}/disable`, headers: admin });
    expect(response.statusCode).toBe(200);
    keys = { writeKey: source.writeKey, disabledWriteKey: disabled.writeKey };
  });

  afterAll(async () => {
    await ingest?.dispose();
  });

  describe.each([
    ['malformed JSON', malformed],
    ['wrong types', wrongTypes],
    ['sizes and encodings', tooLarge],
    ['missing fields', missingFields],
    ['over-long ids', longIds],
    ['bad authentication', badAuth],
    ['wrong Content-Type', wrongContentType],
  ])('%s', (_group, cases) => {
    it.each(cases)('%s → %i %s', async (_label, request, status, code, message) => {
      const response = await ingest.inject({ method: 'POST', ...request(keys) });
      expect({ status: response.statusCode, body: response.json() }).toEqual({
        status,
        body: { error: { code, message: expect.stringMatching(message) } },
      });
      expect(ingest.publishCalls()).toBe(0);
    });
  });

  it('counted every refusal by its code', async () => {
    const metrics = (await ingest.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/cjo_ingest_events_rejected_total\{reason="invalid_json",service="ingest"\} [1-9]/);
    expect(metrics).toMatch(/cjo_ingest_events_rejected_total\{reason="event_too_large",service="ingest"\} [1-9]/);
    expect(metrics).toMatch(/cjo_ingest_events_rejected_total\{reason="source_disabled",service="ingest"\} [1-9]/);
    expect(metrics).toMatch(/cjo_ingest_events_published_total\{service="ingest"\} 0/);
    expect(ingest.publishCalls()).toBe(0);
  });
});

describeWithInfra(['postgres', 'redis'], 'ingest keeps unicode intact', () => {
  let ingest: IngestHarness;
  let writeKey: string;

  beforeAll(async () => {
    ingest = await startIngest();
    writeKey = (await ingest.createSource('unicode')).writeKey;
  });

  afterAll(async () => {
    await ingest?.dispose();
  });

  it.each([
    ['emoji', '🎉 Order Completed 👨‍👩‍👧'],
    ['right-to-left text', 'مرحبا بالعالم — שלום עולם'],
    ['astral-plane characters', '𝌆 𝄞 𠜎'],
    ['combining characters', 'Cafe\u0301 n\u0303'],
    ['escaped control characters', 'tab\there\u0000nul'],
  ])('%s round-trip through the raw topic', async (_label, text) => {
    const before = ingest.published().length;
    const response = await ingest.post(
      '/v1/track',
      { userId: `user ${text}`, event: text, properties: { text, [text]: true }, context: { page: { title: text } } },
      basicAuth(writeKey),
    );
    expect(response.statusCode).toBe(200);
    const [event] = ingest.published().slice(before);
    expect(event).toMatchObject({ userId: `user ${text}`, event: text });
    expect(JSON.parse(event?.propertiesJson ?? '')).toEqual({ text, [text]: true });
    expect(JSON.parse(event?.contextJson ?? '')).toMatchObject({ page: { title: text } });
  });
});
