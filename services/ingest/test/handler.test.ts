import { CjoError } from '@cjo/errors';
import { createMemoryKv } from '@cjo/kv';
import { backgroundConfirmations } from '../src/confirmations';
import { kvDedupeStore } from '../src/dedupe-store';
import { handleIngest, type IngestHandlerDeps, type IngestRequest } from '../src/handler';
import type { KeyedRawEvent } from '../src/steps/build-raw-event';
import type { SourceLookup } from '../src/steps/authenticate';
import { createRateLimiter } from '../src/rate-limiter';

const authorization = `Basic ${Buffer.from('wk:').toString('base64')}`;
const enabled: SourceLookup = async () => ({ id: 'source-1', disabled: false });

function request(overrides: Partial<IngestRequest> = {}): IngestRequest {
  return {
    schemaError: undefined,
    authorization,
    client: { ip: '198.51.100.7', userAgent: 'test-agent' },
    payload: { kind: 'single', type: 'track', body: { userId: 'u', event: 'e', messageId: 'm-1' } },
    ...overrides,
  };
}

describe('handleIngest', () => {
  let publishedBatches: KeyedRawEvent[][];
  let confirmFailures: CjoError[];

  function deps(overrides: Partial<IngestHandlerDeps> = {}): IngestHandlerDeps {
    const kv = createMemoryKv();
    let ids = 0;
    const dedupe = kvDedupeStore(kv, { pendingTtlMs: 30_000, doneTtlMs: 60_000 });
    return {
      lookupSource: enabled,
      rateLimiter: createRateLimiter(kv, { perSecond: 0, burst: 1 }, () => 1_000),
      dedupe,
      confirmations: backgroundConfirmations(dedupe, (err) => confirmFailures.push(err)),
      publish: async (events) => {
        publishedBatches.push(events);
      },
      now: () => 1_000,
      newId: () => `id-${(ids += 1)}`,
      ...overrides,
    };
  }

  beforeEach(() => {
    publishedBatches = [];
    confirmFailures = [];
  });

  afterEach(() => expect(confirmFailures).toEqual([]));

  it('answers 200 once the event is published', async () => {
    const reply = await handleIngest(deps(), request());
    expect(reply).toEqual({ statusCode: 200, tally: { types: { track: 1 }, published: 1, deduplicated: 0 } });
    expect(publishedBatches).toHaveLength(1);
    expect(publishedBatches[0]?.[0]?.event).toMatchObject({ messageId: 'm-1', contextJson: '{"ip":"198.51.100.7","userAgent":"test-agent"}' });
  });

  it('answers 503 with the error code but without internal details when the database is down', async () => {
    const outage = new CjoError('db_unavailable', 'database unavailable: connect ECONNREFUSED 10.0.0.5:5432', {
      retriable: true,
    });
    const reply = await handleIngest(deps({ lookupSource: () => Promise.reject(outage) }), request());
    expect(reply).toEqual({
      statusCode: 503,
      code: 'db_unavailable',
      message: expect.not.stringContaining('10.0.0.5'),
      events: 1,
      published: 0,
      cause: outage,
      retryAfterSeconds: 5,
    });
  });

  it('answers 500 without the message of an unexpected failure', async () => {
    const reply = await handleIngest(
      deps({ lookupSource: () => Promise.reject(new Error('relation "sources" does not exist')) }),
      request(),
    );
    expect(reply).toMatchObject({ statusCode: 500, code: 'internal_error', message: 'internal error' });
  });

  it('refuses a body that failed the route schema before looking up the write key', async () => {
    const lookupSource = jest.fn(enabled);
    const reply = await handleIngest(deps({ lookupSource }), request({ schemaError: 'body/userId must be string' }));
    expect(reply).toMatchObject({ statusCode: 400, code: 'invalid_request', message: 'body/userId must be string' });
    expect(lookupSource).not.toHaveBeenCalled();
  });

  it('answers 403 source_disabled for a disabled source', async () => {
    const reply = await handleIngest(deps({ lookupSource: async () => ({ id: 'source-1', disabled: true }) }), request());
    expect(reply).toMatchObject({ statusCode: 403, code: 'source_disabled' });
    expect(publishedBatches).toHaveLength(0);
  });

  it('publishes a batch in one call and refuses it whole when one event is invalid', async () => {
    const batch = [
      { type: 'track' as const, userId: 'u', event: 'a' },
      { type: 'identify' as const, userId: 'u' },
    ];
    const accepted = await handleIngest(deps(), request({ payload: { kind: 'batch', body: { batch } } }));
    expect(accepted).toMatchObject({ statusCode: 200, tally: { types: { track: 1, identify: 1 }, published: 2 } });
    expect(publishedBatches).toHaveLength(1);

    const refused = await handleIngest(
      deps(),
      request({ payload: { kind: 'batch', body: { batch: [...batch, { type: 'group' as const, userId: 'u' }] } } }),
    );
    expect(refused).toMatchObject({ statusCode: 400, code: 'invalid_event', message: 'event 2: a group call needs groupId', events: 3 });
    expect(publishedBatches).toHaveLength(1);
  });

  it('answers 503 with Retry-After 1, publishing the rest, while another request holds a messageId', async () => {
    const kv = createMemoryKv();
    const dedupe = kvDedupeStore(kv, { pendingTtlMs: 30_000, doneTtlMs: 60_000 });
    await dedupe.claim('source-1', ['m-busy'], 'another-request');
    const batch = [
      { type: 'track' as const, userId: 'u', event: 'a', messageId: 'm-busy' },
      { type: 'track' as const, userId: 'u', event: 'b', messageId: 'm-free' },
    ];
    const reply = await handleIngest(deps({ dedupe }), request({ payload: { kind: 'batch', body: { batch } } }));
    expect(reply).toMatchObject({ statusCode: 503, code: 'duplicate_in_flight', retryAfterSeconds: 1, published: 1 });
    expect(publishedBatches.flat().map((event) => event.event.messageId)).toEqual(['m-free']);
  });
});
