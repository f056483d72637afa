import type { CallFields } from '../../src/call-schemas';
import type { CallType } from '../../src/calls';
import { buildRawEvent, buildRawEvents, eventContext, eventTimes, type BuildContext } from '../../src/steps/build-raw-event';
import type { Call } from '../../src/steps/list-calls';

const receivedAt = Date.parse('2024-05-01T12:00:10.000Z');
const context: BuildContext = { sourceId: 'source-1', receivedAt, newMessageId: () => 'generated-id' };

function single(fields: CallFields, type: CallType = 'track'): Call {
  return { type, fields, defaults: null, where: null };
}

function errorOf(result: ReturnType<typeof buildRawEvent>): { code: string; message: string } | null {
  return result.type === 'dlq' ? { code: result.error.code, message: result.error.message } : null;
}

describe('buildRawEvent', () => {
  it('maps a full Segment track call onto a RawEvent keyed by userId', () => {
    const result = buildRawEvent(
      single({
        userId: 'user-1',
        anonymousId: 'anon-1',
        event: 'Order Completed',
        properties: { total: 12.5 },
        context: { ip: '203.0.113.1' },
        integrations: { All: true },
        timestamp: '2024-05-01T12:00:00.000Z',
        messageId: 'm-1',
      }),
      context,
    );
    expect(result).toEqual({
      type: 'ok',
      value: {
        key: 'user-1',
        clientMessageId: true,
        event: {
          messageId: 'm-1',
          type: 'track',
          sourceId: 'source-1',
          userId: 'user-1',
          anonymousId: 'anon-1',
          event: 'Order Completed',
          name: null,
          previousId: null,
          groupId: null,
          propertiesJson: '{"total":12.5}',
          traitsJson: '{}',
          contextJson: '{"ip":"203.0.113.1"}',
          integrationsJson: '{"All":true}',
          timestamp: Date.parse('2024-05-01T12:00:00.000Z'),
          originalTimestamp: null,
          sentAt: null,
          receivedAt,
        },
      },
    });
  });

  it('keys by anonymousId, generates a messageId and fills empty JSON objects', () => {
    const result = buildRawEvent(single({ anonymousId: 'anon-1', event: 'Viewed' }), context);
    expect(result.type).toBe('ok');
    if (result.type !== 'ok') return;
    expect(result.value.key).toBe('anon-1');
    expect(result.value.clientMessageId).toBe(false);
    expect(result.value.event).toMatchObject({
      messageId: 'generated-id',
      userId: null,
      propertiesJson: '{}',
      contextJson: '{}',
      integrationsJson: '{}',
      timestamp: receivedAt,
    });
  });

  it('treats null fields, as browser SDKs send them, as absent', () => {
    const result = buildRawEvent(
      single({ userId: null, anonymousId: 'anon-1', messageId: null, properties: null, context: null }, 'page'),
      context,
    );
    expect(result.type === 'ok' && result.value.event).toMatchObject({ userId: null, messageId: 'generated-id', name: null });
  });

  it('corrects the device clock with sentAt when no timestamp is given', () => {
    const result = buildRawEvent(
      single({ userId: 'u', event: 'e', originalTimestamp: '2024-05-01T11:59:00.000Z', sentAt: '2024-05-01T11:59:30.000Z' }),
      context,
    );
    expect(result.type === 'ok' && result.value.event.timestamp).toBe(receivedAt - 30_000);
    expect(result.type === 'ok' && result.value.event.sentAt).toBe(Date.parse('2024-05-01T11:59:30.000Z'));
    expect(result.type === 'ok' && result.value.event.originalTimestamp).toBe(Date.parse('2024-05-01T11:59:00.000Z'));
  });

  it('refuses an event with neither userId nor anonymousId', () => {
    expect(errorOf(buildRawEvent(single({ userId: '', event: 'e' }), context))).toEqual({
      code: 'invalid_event',
      message: 'either userId or anonymousId is required',
    });
  });

  it('refuses a timestamp that is not a date', () => {
    expect(errorOf(buildRawEvent(single({ userId: 'u', event: 'e', sentAt: 'yesterday' }), context))?.message).toMatch(/sentAt/);
  });

  it.each<[string, CallType, CallFields, string]>([
    ['a track call without event', 'track', { userId: 'u' }, 'a track call needs an event name'],
    ['a group call without groupId', 'group', { userId: 'u' }, 'a group call needs groupId'],
    ['an alias call without previousId', 'alias', { userId: 'u' }, 'an alias call needs previousId'],
    ['an alias call without userId', 'alias', { anonymousId: 'a', previousId: 'p' }, 'an alias call needs userId'],
    ['an identify call without ids', 'identify', { traits: { a: 1 } }, 'either userId or anonymousId is required'],
    ['a body whose type is not the endpoint', 'track', { type: 'identify', userId: 'u', event: 'e' }, 'the body says type "identify" but this endpoint takes track calls'],
  ])('refuses %s, naming the batch item', (_label, type, fields, message) => {
    const call: Call = { type, fields, defaults: null, where: 'event 4' };
    expect(errorOf(buildRawEvent(call, context))).toEqual({ code: 'invalid_event', message: `event 4: ${message}` });
  });

  it('keeps each type’s own fields: name for page and screen, groupId for group, previousId for alias', () => {
    const page = buildRawEvent(single({ anonymousId: 'a', name: 'Pricing', category: 'Docs', event: 'ignored' }, 'page'), context);
    expect(page.type === 'ok' && page.value.event).toMatchObject({ name: 'Pricing', event: null, propertiesJson: '{"category":"Docs"}' });
    const group = buildRawEvent(single({ userId: 'u', groupId: 'acme', traits: { plan: 'pro' } }, 'group'), context);
    expect(group.type === 'ok' && group.value.event).toMatchObject({ groupId: 'acme', traitsJson: '{"plan":"pro"}' });
    const alias = buildRawEvent(single({ userId: 'u', previousId: 'anon-9' }, 'alias'), context);
    expect(alias.type === 'ok' && alias.value).toMatchObject({ key: 'u', event: { previousId: 'anon-9', userId: 'u' } });
  });

  it('adds the client ip and user agent to the context without replacing what the SDK sent', () => {
    const client = { ip: '198.51.100.7', userAgent: 'Mozilla/5.0' };
    const filled = buildRawEvent(single({ userId: 'u', event: 'e' }), { ...context, client });
    expect(filled.type === 'ok' && JSON.parse(filled.value.event.contextJson)).toEqual(client);
    const kept = buildRawEvent(single({ userId: 'u', event: 'e', context: { ip: '0.0.0.0', userAgent: 'sdk' } }), { ...context, client });
    expect(kept.type === 'ok' && JSON.parse(kept.value.event.contextJson)).toEqual({ ip: '0.0.0.0', userAgent: 'sdk' });
  });
});

describe('buildRawEvent with batch defaults', () => {
  it('applies the batch’s context, integrations and sentAt, the call’s own values winning', () => {
    const defaults = { context: { locale: 'en', library: { name: 'sdk' } }, integrations: { All: true, Mixpanel: false }, sentAt: '2024-05-01T12:00:05.000Z' };
    const build = (fields: CallFields) => {
      const result = buildRawEvent({ type: 'track', fields, defaults, where: 'event 0' }, context);
      if (result.type !== 'ok') throw new Error('expected an event');
      const { contextJson, integrationsJson, timestamp, sentAt } = result.value.event;
      return { context: JSON.parse(contextJson), integrations: JSON.parse(integrationsJson), timestamp, sentAt };
    };
    // The batch's sentAt corrects the clock: the event happened 5 s before the server received it.
    expect(build({ userId: 'u', event: 'a', context: { locale: 'fr' }, timestamp: '2024-05-01T12:00:00.000Z' })).toEqual({
      context: { locale: 'fr', library: { name: 'sdk' } },
      integrations: { All: true, Mixpanel: false },
      timestamp: receivedAt - 5_000,
      sentAt: Date.parse(defaults.sentAt),
    });
    expect(build({ userId: 'u', event: 'a', integrations: { All: false }, sentAt: '2024-05-01T12:00:01.000Z', timestamp: '2024-05-01T12:00:00.000Z' })).toMatchObject({
      integrations: { All: false, Mixpanel: false },
      timestamp: receivedAt - 1_000,
    });
  });
});

describe('buildRawEvents', () => {
  it('is all or nothing: the first invalid call refuses the request', () => {
    const calls: Call[] = [
      { type: 'track', fields: { userId: 'u', event: 'a' }, defaults: null, where: 'event 0' },
      { type: 'track', fields: { userId: 'u' }, defaults: null, where: 'event 1' },
    ];
    expect(buildRawEvents(calls, context)).toMatchObject({ type: 'dlq', error: { message: 'event 1: a track call needs an event name' } });
    expect(buildRawEvents(calls.slice(0, 1), context)).toMatchObject({ type: 'ok', value: [{ key: 'u' }] });
  });
});

describe('eventTimes', () => {
  const times = (timestamp: number | null, originalTimestamp: number | null, sentAt: number | null) => ({
    timestamp,
    originalTimestamp,
    sentAt,
  });

  it.each([
    ['no client time: the server time', times(null, null, null), { timestamp: 5_000, originalTimestamp: null }],
    ['timestamp only: kept', times(1_000, null, null), { timestamp: 1_000, originalTimestamp: null }],
    ['originalTimestamp only: kept', times(null, 1_000, null), { timestamp: 1_000, originalTimestamp: 1_000 }],
    ['timestamp and sentAt: corrected', times(1_000, null, 1_500), { timestamp: 4_500, originalTimestamp: 1_000 }],
    ['originalTimestamp and sentAt: corrected', times(null, 1_000, 3_000), { timestamp: 3_000, originalTimestamp: 1_000 }],
    ['sentAt only: the server time', times(null, null, 3_000), { timestamp: 5_000, originalTimestamp: null }],
  ])('%s', (_label, clientTimes, expected) => {
    expect(eventTimes(clientTimes, 5_000)).toEqual(expected);
  });
});

describe('eventContext', () => {
  it('fills null values and leaves the rest alone', () => {
    expect(eventContext(undefined, { ip: null, locale: 'fr' }, { ip: '192.0.2.1', userAgent: undefined })).toEqual({
      ip: '192.0.2.1',
      locale: 'fr',
    });
  });

  it('puts the batch’s context under the call’s, key by key, and never changes either', () => {
    const outer = { locale: 'en', library: { name: 'sdk' } };
    const inner = { locale: 'fr' };
    expect(eventContext(outer, inner, { ip: '192.0.2.1', userAgent: 'ua' })).toEqual({ locale: 'fr', library: { name: 'sdk' }, ip: '192.0.2.1', userAgent: 'ua' });
    expect([outer, inner]).toEqual([{ locale: 'en', library: { name: 'sdk' } }, { locale: 'fr' }]);
  });
});
