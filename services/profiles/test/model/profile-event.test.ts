import { parseResolvedEvent } from '../../src/model/profile-event';
import { group, identify, resolved, track } from '../support/events';

describe('parseResolvedEvent', () => {
  it('reads properties of track calls and traits of identify and group calls, with the identifiers they carry', () => {
    const tracked = parseResolvedEvent(track('p', 'Order Completed', { total: 3 }, { anonymousId: 'a-1' }));
    expect(tracked).toMatchObject({ type: 'ok', value: { eventKey: 'Order Completed', properties: { total: 3 }, traitUpdate: null } });
    const identified = parseResolvedEvent(identify('p', { email: ' A@B.io ', plan: 'pro' }, { userId: 'u-1', anonymousId: null }));
    expect(identified).toMatchObject({
      type: 'ok',
      value: {
        eventKey: '$identify',
        traitUpdate: { set: { email: ' A@B.io ', plan: 'pro' } },
        identifiers: [
          { type: 'userId', value: 'u-1' },
          { type: 'email', value: 'a@b.io' },
        ],
      },
    });
    expect(parseResolvedEvent(group('p', 'acme', { tier: 'gold' }))).toMatchObject({
      type: 'ok',
      value: { eventKey: '$group', groupId: 'acme', traitUpdate: null, groupTraitUpdate: { set: { tier: 'gold' } } },
    });
    expect(parseResolvedEvent(resolved({ type: 'page', event: null, propertiesJson: '{}' }))).toMatchObject({ value: { eventKey: '$page' } });
  });

  it.each([
    ['identify', 'traitsJson', '{nope'],
    ['identify', 'traitsJson', '[1]'],
    ['track', 'propertiesJson', 'null'],
  ])('sends a %s call with bad %s to the DLQ', (type, field, json) => {
    const result = parseResolvedEvent(resolved({ type, [field]: json }));
    expect(result.type === 'dlq' && result.error.code).toBe('invalid_event_json');
  });
});
