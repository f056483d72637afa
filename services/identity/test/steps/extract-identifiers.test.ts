import { loadConfig } from '@cjo/config';
import { identityConfigSchema } from '../../src';
import { extractIdentifiers } from '../../src/steps/extract-identifiers';
import { testRules } from '../support/config';
import { event } from '../support/memory-graph';

describe('extractIdentifiers', () => {
  const rules = testRules({ IDENTITY_TYPES: 'deviceId=context.device.id@lowercase,crmId=traits.crm|properties.crm', IDENTITY_PHONE_COUNTRY: 'GB' });

  it('reads every type in precedence order, normalised, without duplicates', () => {
    const result = extractIdentifiers(
      event({
        type: 'identify',
        userId: 'User-1',
        anonymousId: 'a-1',
        traits: { email: ' Ada@Example.COM ', phone: '020 7946 0958', crm: 42 },
        context: { traits: { email: 'ada@example.com' }, device: { id: 'DEV-9' } },
      }),
      rules,
    );
    expect(result).toEqual({
      type: 'ok',
      value: {
        identifiers: [
          { type: 'userId', value: 'User-1' },
          { type: 'email', value: 'ada@example.com' },
          { type: 'phone', value: '+442079460958' },
          { type: 'deviceId', value: 'dev-9' },
          { type: 'crmId', value: '42' },
          { type: 'anonymousId', value: 'a-1' },
        ],
        ignored: [],
      },
    });
  });

  it("links an alias's previousId as an anonymousId and keeps unparseable phones as sent", () => {
    const result = extractIdentifiers(event({ type: 'alias', userId: 'u', previousId: 'old-anon', traits: { phone: ' 12 ' } }), rules);
    expect(result.type === 'ok' && result.value.identifiers).toEqual([
      { type: 'userId', value: 'u' },
      { type: 'phone', value: '12' },
      { type: 'anonymousId', value: 'old-anon' },
    ]);
  });

  it('ignores blocked and over-long values, and sends an event with nothing usable to the DLQ', () => {
    const some = extractIdentifiers(event({ userId: ' Guest ', anonymousId: 'a-2', traits: { email: 'x'.repeat(600) } }), rules);
    expect(some.type === 'ok' && some.value).toEqual({
      identifiers: [{ type: 'anonymousId', value: 'a-2' }],
      ignored: [
        { type: 'userId', value: ' Guest ', reason: 'blocked' },
        { type: 'email', value: `${'x'.repeat(64)}…`, reason: 'too_long' },
      ],
    });
    const none = extractIdentifiers(event({ userId: 'NaN', anonymousId: '' }), rules);
    expect(none.type === 'dlq' && none.error.code).toBe('identity_no_identifier');
  });

  it('does not parse JSON fields that mention no key it reads', () => {
    const result = extractIdentifiers({ ...event({ anonymousId: 'a-3' }), traitsJson: 'not json, no key' }, rules);
    expect(result.type === 'ok' && result.value.identifiers).toEqual([{ type: 'anonymousId', value: 'a-3' }]);
  });
});

describe('identity rules from configuration', () => {
  it('applies per-type limits and the default, and refuses a userId limit other than 1', () => {
    const rules = testRules({ IDENTITY_TYPE_LIMITS: 'anonymousId=50', IDENTITY_DEFAULT_LIMIT: '3' });
    expect([rules.limitOf('userId'), rules.limitOf('anonymousId'), rules.limitOf('email')]).toEqual([1, 50, 3]);
    expect(() => testRules({ IDENTITY_TYPE_LIMITS: 'userId=2' })).toThrow(/exactly one userId/);
  });

  it('rejects malformed type definitions at start-up, naming the variable', () => {
    expect(() => loadConfig(identityConfigSchema, { CJO_ADMIN_TOKEN: 'admin-token', IDENTITY_TYPES: 'deviceId=body.device' })).toThrow(/IDENTITY_TYPES/);
  });
});
