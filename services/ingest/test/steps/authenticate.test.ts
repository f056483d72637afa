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

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a Bearer token', 'Bearer wk_123'],
    ['an empty user name', basic('', 'secret')],
  ])('refuses %s as unauthorized', (_label, header) => {
    const result = parseWriteKey(header);
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
    const lookup = jest.fn(async (hash: string) => (hash === hashWriteKey('wk_1') ? 'source-1' : null));
    await expect(authenticateSource(lookup, basic('wk_1'))).resolves.toEqual({ type: 'ok', value: 'source-1' });
  });

  it('refuses an unknown key', async () => {
    const result = await authenticateSource(async () => null, basic('wk_unknown'));
    expect(result.type === 'dlq' && result.error.code).toBe('unauthorized');
  });

  it('asks for a retry when the lookup fails retriably', async () => {
    const outage = new CjoError('db_unavailable', 'down', { retriable: true });
    const result = await authenticateSource(async () => Promise.reject(outage), basic('wk_1'));
    expect(result).toEqual({ type: 'retry', error: outage });
  });
});
