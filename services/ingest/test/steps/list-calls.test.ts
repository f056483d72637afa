import { checkSizes } from '../../src/steps/check-sizes';
import { bodyWriteKey, listCalls } from '../../src/steps/list-calls';

describe('listCalls', () => {
  it('turns a single call into one call of the endpoint’s type', () => {
    const calls = listCalls({ kind: 'single', type: 'identify', body: { userId: 'u', traits: { a: 'é' } } });
    expect(calls).toEqual([
      { type: 'identify', fields: { userId: 'u', traits: { a: 'é' } }, defaults: null, where: null },
    ]);
  });

  it('keeps each batch item as sent, with the batch’s context, integrations and sentAt as its defaults', () => {
    const batch = [
      { type: 'track' as const, userId: 'u', event: 'a', context: { locale: 'fr' } },
      { type: 'page' as const, anonymousId: 'x', sentAt: '2024-01-01T00:00:00Z', integrations: { All: false } },
    ];
    const defaults = { context: { locale: 'en', library: { name: 'sdk' } }, integrations: { All: true, Mixpanel: false }, sentAt: '2024-05-01T00:00:00Z' };
    const calls = listCalls({ kind: 'batch', body: { batch, ...defaults } });
    expect(calls).toEqual([
      { type: 'track', fields: batch[0], defaults, where: 'event 0' },
      { type: 'page', fields: batch[1], defaults, where: 'event 1' },
    ]);
  });

  it('reads the body write key of single calls and batches', () => {
    expect(bodyWriteKey({ kind: 'single', type: 'track', body: { writeKey: 'wk-1' } })).toBe('wk-1');
    expect(bodyWriteKey({ kind: 'batch', body: { batch: [], writeKey: 'wk-2' } })).toBe('wk-2');
  });
});

describe('checkSizes', () => {
  const big = { type: 'track' as const, event: 'big', properties: { blob: 'é'.repeat(20_000) } };
  const bigBytes = Buffer.byteLength(JSON.stringify(big));

  it('names the first batch item over 32 KB with its size as JSON', () => {
    const calls = listCalls({ kind: 'batch', body: { batch: [{ type: 'track', event: 'small' }, big] } });
    expect(checkSizes(calls, 45_000)).toMatchObject({
      type: 'dlq',
      error: { code: 'event_too_large', message: `event 1 is ${bigBytes} bytes; the limit is 32768 bytes per event` },
    });
    expect(checkSizes(calls, undefined)).toMatchObject({ error: { code: 'event_too_large' } });
  });

  it('measures a single call by its body as received: 32 KB passes, one byte more does not', () => {
    const calls = listCalls({ kind: 'single', type: 'track', body: { event: 'e' } });
    expect(checkSizes(calls, 32_768).type).toBe('ok');
    expect(checkSizes(calls, 32_769)).toMatchObject({
      error: { message: 'the event is 32769 bytes; the limit is 32768 bytes per event' },
    });
  });

  it('trusts a body within the limit without measuring its items', () => {
    const calls = listCalls({ kind: 'batch', body: { batch: [big] } });
    // The body size is what was received; an item cannot be larger than the body that held it.
    expect(checkSizes(calls, 32_768).type).toBe('ok');
  });
});
