import { censorSecrets } from '../src/censor-secrets';

describe('censorSecrets', () => {
  it('returns the very object it was given when nothing is secret (the hot path copies nothing)', () => {
    const fields = { reqId: 'req-1', nested: { partition: 1 } };
    expect(censorSecrets(fields)).toBe(fields);
  });

  it('censors secret names at the top level and in plain objects one level down, copying only those', () => {
    const untouched = { partition: 1 };
    const fields = { password: 'pw', config: { CJO_ADMIN_TOKEN: 'admin', PORT: 1 }, untouched };
    const censored = censorSecrets(fields);
    expect(censored).toEqual({ password: '[redacted]', config: { CJO_ADMIN_TOKEN: '[redacted]', PORT: 1 }, untouched });
    expect(censored.untouched).toBe(untouched);
    expect(fields.config.CJO_ADMIN_TOKEN).toBe('admin');
  });

  it('leaves arrays, errors and deeper levels to the serializers', () => {
    const err = Object.assign(new Error('e'), { code: 'x' });
    const fields = { err, list: [{ token: 'in-array' }], a: { b: { token: 'two-down' } } };
    expect(censorSecrets(fields)).toBe(fields);
  });
});
