import { CjoError } from '@cjo/errors';
import { createMemoryKv, type Kv } from '@cjo/kv';
import { backgroundConfirmations, type Confirmations } from '../../src/confirmations';
import { dedupeKey, kvDedupeStore, type DedupeStore } from '../../src/dedupe-store';
import type { KeyedRawEvent } from '../../src/steps/build-raw-event';
import { publishOnce, type PublishOnceDeps } from '../../src/steps/publish-once';

function keyed(messageId: string, clientMessageId = true): KeyedRawEvent {
  return {
    key: 'u',
    clientMessageId,
    event: {
      messageId,
      type: 'track',
      sourceId: 'source-1',
      userId: 'u',
      anonymousId: null,
      event: 'e',
      name: null,
      previousId: null,
      groupId: null,
      propertiesJson: '{}',
      traitsJson: '{}',
      contextJson: '{}',
      integrationsJson: '{}',
      timestamp: 1,
      originalTimestamp: null,
      sentAt: null,
      receivedAt: 1,
    },
  };
}

/** Confirmations whose failure fails the test (none is expected where this is used). */
function failLoudly(dedupe: Pick<DedupeStore, 'confirm'>): Confirmations {
  return backgroundConfirmations(dedupe, (err) => {
    throw err;
  });
}

describe('publishOnce', () => {
  let kv: Kv;
  let dedupe: DedupeStore;
  let confirmations: Confirmations;
  let published: string[][];
  let tokens: number;

  beforeEach(() => {
    kv = createMemoryKv();
    dedupe = kvDedupeStore(kv, { pendingTtlMs: 30_000, doneTtlMs: 60_000 });
    confirmations = failLoudly(dedupe);
    published = [];
    tokens = 0;
  });

  function deps(publish?: PublishOnceDeps['publish']): PublishOnceDeps {
    return {
      dedupe,
      confirmations,
      newId: () => `token-${(tokens += 1)}`,
      publish:
        publish ??
        (async (events) => {
          published.push(events.map((event) => event.event.messageId));
        }),
    };
  }

  it('publishes new events in one call and marks them done', async () => {
    const result = await publishOnce(deps(), 'source-1', [keyed('a'), keyed('b')]);
    expect(result).toEqual({ type: 'ok', value: { published: 2, deduplicated: 0, inFlight: [] } });
    expect(published).toEqual([['a', 'b']]);
    await confirmations.settle();
    await expect(kv.get(dedupeKey('source-1', 'a'))).resolves.toBe('done');
  });

  it('skips messageIds already done and repeats inside the request', async () => {
    await publishOnce(deps(), 'source-1', [keyed('a')]);
    const result = await publishOnce(deps(), 'source-1', [keyed('a'), keyed('b'), keyed('b'), keyed('c')]);
    expect(result).toMatchObject({ type: 'ok', value: { published: 2, deduplicated: 2 } });
    expect(published).toEqual([['a'], ['b', 'c']]);
  });

  it('keeps sources apart: the same messageId from another source is published', async () => {
    await publishOnce(deps(), 'source-1', [keyed('a')]);
    await publishOnce(deps(), 'source-2', [keyed('a')]);
    expect(published).toEqual([['a'], ['a']]);
  });

  it('never claims generated messageIds', async () => {
    await publishOnce(deps(), 'source-1', [keyed('generated-1', false)]);
    await expect(kv.get(dedupeKey('source-1', 'generated-1'))).resolves.toBeNull();
    expect(published).toEqual([['generated-1']]);
  });

  it('releases its claims when the publish fails, so the retry publishes', async () => {
    const outage = new CjoError('bus_unavailable', 'down', { retriable: true });
    const failed = await publishOnce(deps(() => Promise.reject(outage)), 'source-1', [keyed('a')]);
    expect(failed).toEqual({ type: 'retry', error: outage });
    await expect(kv.get(dedupeKey('source-1', 'a'))).resolves.toBeNull();
    await publishOnce(deps(), 'source-1', [keyed('a')]);
    expect(published).toEqual([['a']]);
  });

  it('reports messageIds another request holds and publishes the rest', async () => {
    await dedupe.claim('source-1', ['busy'], 'another-request');
    const result = await publishOnce(deps(), 'source-1', [keyed('busy'), keyed('free')]);
    expect(result).toMatchObject({ type: 'ok', value: { published: 1, inFlight: ['busy'] } });
    expect(published).toEqual([['free']]);
  });

  it('never releases a claim it does not own', async () => {
    await dedupe.claim('source-1', ['a'], 'owner');
    await dedupe.release('source-1', ['a'], 'someone-else');
    await expect(kv.get(dedupeKey('source-1', 'a'))).resolves.toBe('pending:owner');
  });

  it('asks for a retry, publishing nothing, when the claim cannot reach the Kv', async () => {
    const outage = new CjoError('kv_unavailable', 'redis down', { retriable: true });
    const flaky: DedupeStore = { ...dedupe, claim: () => Promise.reject(outage) };
    const result = await publishOnce({ ...deps(), dedupe: flaky }, 'source-1', [keyed('a'), keyed('b')]);
    expect(result).toEqual({ type: 'retry', error: outage });
    expect(published).toEqual([]);
  });

  it('asks the Kv twice per request (claim, confirm), whatever the number of events', async () => {
    const calls: string[] = [];
    const counting: DedupeStore = {
      claim: (...args) => (calls.push('claim'), dedupe.claim(...args)),
      confirm: (...args) => (calls.push('confirm'), dedupe.confirm(...args)),
      release: (...args) => (calls.push('release'), dedupe.release(...args)),
    };
    const countingConfirmations = failLoudly(counting);
    const events = Array.from({ length: 50 }, (_, index) => keyed(`m-${index}`));
    const result = await publishOnce({ ...deps(), dedupe: counting, confirmations: countingConfirmations }, 'source-1', events);
    expect(result).toMatchObject({ type: 'ok', value: { published: 50 } });
    expect(calls).toEqual(['claim', 'confirm']);
  });

  it('answers before the done markers are written, and a resend right after the answer finds them done', async () => {
    let finishConfirm = () => {};
    const slow: DedupeStore = {
      ...dedupe,
      // The marker is written at once (as Redis orders a connection's commands); only the reply is late.
      confirm: (...args) => dedupe.confirm(...args).then(() => new Promise<void>((resolve) => (finishConfirm = resolve))),
    };
    const slowConfirmations = failLoudly(slow);
    const first = await publishOnce({ ...deps(), confirmations: slowConfirmations }, 'source-1', [keyed('a')]);
    expect(first).toMatchObject({ type: 'ok', value: { published: 1 } });
    const resend = await publishOnce(deps(), 'source-1', [keyed('a')]);
    expect(resend).toMatchObject({ type: 'ok', value: { published: 0, deduplicated: 1 } });
    expect(published).toEqual([['a']]);

    let settled = false;
    const settling = slowConfirmations.settle().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finishConfirm();
    await settling;
    expect(settled).toBe(true);
  });
});

describe('backgroundConfirmations', () => {
  it('reports a marker that cannot be written, and still settles', async () => {
    const outage = new CjoError('kv_unavailable', 'redis down', { retriable: true });
    const failures: Array<[CjoError, number]> = [];
    const confirmations = backgroundConfirmations({ confirm: () => Promise.reject(outage) }, (err, count) =>
      failures.push([err, count]),
    );
    confirmations.confirm('source-1', ['a', 'b']);
    await confirmations.settle();
    expect(failures).toEqual([[outage, 2]]);
  });

  it('wraps a failure that is not a CjoError in one with a stable code', async () => {
    const codes: string[] = [];
    const confirmations = backgroundConfirmations({ confirm: () => Promise.reject(new Error('socket closed')) }, (err) =>
      codes.push(err.code),
    );
    confirmations.confirm('source-1', ['a']);
    await confirmations.settle();
    expect(codes).toEqual(['dedupe_confirm_failed']);
  });
});

describe('kvDedupeStore', () => {
  it('lets a claim expire, so a request after a crash can claim again', async () => {
    let now = 0;
    const kv = createMemoryKv({ now: () => now });
    const dedupe = kvDedupeStore(kv, { pendingTtlMs: 1_000, doneTtlMs: 60_000 });
    await expect(dedupe.claim('s', ['m'], 'crashed')).resolves.toEqual(['claimed']);
    await expect(dedupe.claim('s', ['m'], 'retry')).resolves.toEqual(['in_flight']);
    now = 1_001;
    await expect(dedupe.claim('s', ['m'], 'retry')).resolves.toEqual(['claimed']);
    await dedupe.confirm('s', ['m']);
    await expect(dedupe.claim('s', ['m'], 'later')).resolves.toEqual(['done']);
    now = 61_002;
    await expect(dedupe.claim('s', ['m'], 'after-window')).resolves.toEqual(['claimed']);
  });

  it('answers one state per messageId, in order', async () => {
    const dedupe = kvDedupeStore(createMemoryKv(), { pendingTtlMs: 1_000, doneTtlMs: 60_000 });
    await dedupe.claim('s', ['done-1', 'busy-1'], 'other');
    await dedupe.confirm('s', ['done-1']);
    await expect(dedupe.claim('s', ['new-1', 'done-1', 'busy-1', 'new-2'], 'mine')).resolves.toEqual([
      'claimed',
      'done',
      'in_flight',
      'claimed',
    ]);
    await dedupe.release('s', ['new-1', 'busy-1'], 'mine');
    await expect(dedupe.claim('s', ['new-1', 'busy-1'], 'third')).resolves.toEqual(['claimed', 'in_flight']);
  });
});
