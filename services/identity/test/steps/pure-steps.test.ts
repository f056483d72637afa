import { sampleRawEvent } from '@cjo/service-testkit';
import { chooseProfile } from '../../src/steps/choose-profile';
import { extractIdentifiers } from '../../src/steps/extract-identifiers';
import { toResolvedEvent } from '../../src/steps/to-resolved-event';

describe('extractIdentifiers', () => {
  it('lists userId before anonymousId', () => {
    expect(extractIdentifiers({ userId: 'u1', anonymousId: 'a1' })).toEqual({
      type: 'ok',
      value: [
        { type: 'userId', value: 'u1' },
        { type: 'anonymousId', value: 'a1' },
      ],
    });
  });

  it('ignores empty ids', () => {
    expect(extractIdentifiers({ userId: '', anonymousId: 'a1' })).toEqual({
      type: 'ok',
      value: [{ type: 'anonymousId', value: 'a1' }],
    });
  });

  it('sends an event without any id to the DLQ', () => {
    const result = extractIdentifiers({ userId: null, anonymousId: null });
    expect(result.type === 'dlq' && result.error.code).toBe('missing_identifier');
  });
});

describe('chooseProfile', () => {
  const ids = [
    { type: 'userId' as const, value: 'u1' },
    { type: 'anonymousId' as const, value: 'a1' },
  ];

  it('prefers the userId profile over the anonymousId profile', () => {
    const links = [
      { type: 'anonymousId' as const, value: 'a1', profileId: 'p-anon' },
      { type: 'userId' as const, value: 'u1', profileId: 'p-user' },
    ];
    expect(chooseProfile(ids, links)).toBe('p-user');
  });

  it('falls back to the anonymousId profile', () => {
    expect(chooseProfile(ids, [{ type: 'anonymousId', value: 'a1', profileId: 'p-anon' }])).toBe('p-anon');
  });

  it('ignores links of identifiers the event does not carry', () => {
    expect(chooseProfile(ids, [{ type: 'userId', value: 'other', profileId: 'p-other' }])).toBeNull();
  });
});

describe('toResolvedEvent', () => {
  it('adds the profile id to every raw field', () => {
    const raw = sampleRawEvent();
    expect(toResolvedEvent(raw, 'p1')).toEqual({ profileId: 'p1', ...raw });
  });
});
