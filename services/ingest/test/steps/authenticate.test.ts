import { CjoError } from '@cjo/errors';
import { authenticateSource, hashWriteKey, parseWriteKey } from '../../src/steps/authenticate';

function basic(user: string, password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('parseWriteKey', () => {
  it('reads the write key from the Basic auth user name', () => {
    expect(parseWriteKey(basic('wk_123'))).toEqual({ type: 'ok', value: 'wk_123' });
  });

  it('accepts credentials without a colon and a lower-case scheme', () => {
    expect(parseWriteKey(`basic ${Buffer.from('wk_abc').toString('base64')}`)).toEqual({ type: 'ok', value: 'wk_abc' });
  });

  it('takes the write key from the body when there is no Authorization header', () => {
    expect(parseWriteKey(undefined, 'wk_body')).toEqual({ type: 'ok', value: 'wk_body' });
  });

  it('prefers the header over the body', () => {
    expect(parseWriteKey(basic('wk_header'), 'wk_body')).toEqual({ type: 'ok', value: 'wk_header' });
  });

  it.each([
    ['a missing header', undefined, undefined],
    ['an empty header', '', undefined],
    ['an empty body write key', undefined, ''],
    ['a Bearer token', 'Bearer wk_123', undefined],
    ['a Bearer token next to a body write key', 'Bearer wk_123', 'wk_body'],
    ['an empty user name', basic('', 'secret'), undefined],
  ])('refuses %s as unauthorized', (_label, header, bodyKey) => {
    const result = parseWriteKey(header, bodyKey);
    expect(result.type).toBe('dlq');
    expect(result.type === 'dlq' && result.error.code).toBe('unauthorized');
  });
});

describe('hashWriteKey', () => {
  it('is the hex SHA-256 of the key', () => {
    expect(hashWriteKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('authenticateSource', () => {
  it('answers the source id the lookup finds for the hashed key', async () => {
    const lookup = jest.fn(async (hash: string) => (hash === hashWriteKey('wk_1') ? { id: 'source-1', disabled: false } : null));
    await expect(authenticateSource(lookup, basic('wk_1'))).resolves.toEqual({ type: 'ok', value: 'source-1' });
  });

  it('refuses an unknown key', async () => {
    const result = await authenticateSource(async () => null, basic('wk_unknown'));
    expect(result.type === 'dlq' && result.error.code).toBe('unauthorized');
  });

  it('refuses the key of a disabled source with its own code', async () => {
    const result = await authenticateSource(async () => ({ id: 'source-1', disabled: true }), basic('wk_1'));
    expect(result.type === 'dlq' && result.error.code).toBe('source_disabled');
  });

  it('asks for a retry when the lookup fails retriably', async () => {
    const outage = new CjoError('db_unavailable', 'down', { retriable: true });
    const result = await authenticateSource(async () => Promise.reject(outage), basic('wk_1'));
    expect(result).toEqual({ type: 'retry', error: outage });
  });
});
