import { CjoError, isRetriable, toCjoError } from '../src';

describe('CjoError', () => {
  it('carries code, retriable flag and cause', () => {
    const cause = new Error('socket hang up');
    const err = new CjoError('db_unavailable', 'database did not answer', { retriable: true, cause });
    expect(err.code).toBe('db_unavailable');
    expect(err.retriable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(isRetriable(err)).toBe(true);
  });

  it('wraps unknown errors as non-retriable', () => {
    const wrapped = toCjoError(new TypeError('x is undefined'));
    expect(wrapped.code).toBe('internal_error');
    expect(wrapped.retriable).toBe(false);
    expect(wrapped.message).toBe('x is undefined');
    expect(isRetriable('string')).toBe(false);
  });
});
