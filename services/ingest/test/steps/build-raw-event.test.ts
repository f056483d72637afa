import { buildTrackEvent, type BuildContext } from '../../src/steps/build-raw-event';

const receivedAt = Date.parse('2024-05-01T12:00:10.000Z');
const context: BuildContext = { sourceId: 'source-1', receivedAt, newMessageId: () => 'generated-id' };

describe('buildTrackEvent', () => {
  it('maps a full Segment track call onto a RawEvent keyed by userId', () => {
    const result = buildTrackEvent(
      {
        userId: 'user-1',
        anonymousId: 'anon-1',
        event: 'Order Completed',
        properties: { total: 12.5 },
        context: { ip: '203.0.113.1' },
        integrations: { All: true },
        timestamp: '2024-05-01T12:00:00.000Z',
        messageId: 'm-1',
      },
      context,
    );
    expect(result).toEqual({
      type: 'ok',
      value: {
        key: 'user-1',
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
    const result = buildTrackEvent({ anonymousId: 'anon-1', event: 'Viewed' }, context);
    expect(result.type).toBe('ok');
    if (result.type !== 'ok') return;
    expect(result.value.key).toBe('anon-1');
    expect(result.value.event).toMatchObject({
      messageId: 'generated-id',
      userId: null,
      propertiesJson: '{}',
      contextJson: '{}',
      integrationsJson: '{}',
      timestamp: receivedAt,
    });
  });

  it('corrects the device clock with sentAt when no timestamp is given', () => {
    const result = buildTrackEvent(
      {
        userId: 'u',
        event: 'e',
        originalTimestamp: '2024-05-01T11:59:00.000Z',
        sentAt: '2024-05-01T11:59:30.000Z',
      },
      context,
    );
    expect(result.type === 'ok' && result.value.event.timestamp).toBe(receivedAt - 30_000);
    expect(result.type === 'ok' && result.value.event.sentAt).toBe(Date.parse('2024-05-01T11:59:30.000Z'));
  });

  it('refuses an event with neither userId nor anonymousId', () => {
    const result = buildTrackEvent({ userId: '', event: 'e' }, context);
    expect(result.type === 'dlq' && result.error.code).toBe('invalid_event');
  });

  it('refuses a timestamp that is not a date', () => {
    const result = buildTrackEvent({ userId: 'u', event: 'e', sentAt: 'yesterday' }, context);
    expect(result.type === 'dlq' && result.error.message).toMatch(/sentAt/);
  });
});
