import { CjoError } from '@cjo/errors';
import { waitFor } from '../src/index';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : null), { intervalMs: 5 });
    expect(value).toEqual({ calls: 3 });
  });

  it('awaits async predicates and treats a throw as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('still starting');
        return 'ready';
      },
      { intervalMs: 5 },
    );
    expect(value).toBe('ready');
  });

  it('throws a wait_timeout CjoError naming what was awaited, with the last error as cause', async () => {
    const started = Date.now();
    const failure = await waitFor(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 100, intervalMs: 10, message: 'the consumer to join' },
    ).catch((err: unknown) => err);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(failure).toBeInstanceOf(CjoError);
    const error = failure as CjoError;
    expect(error.code).toBe('wait_timeout');
    expect(error.message).toContain('the consumer to join did not happen within 100 ms');
    expect(error.message).toContain('connection refused');
    expect((error.cause as Error).message).toBe('connection refused');
  });

  it('times out on a predicate that stays falsy', async () => {
    await expect(waitFor(() => false, { timeoutMs: 50, intervalMs: 10, message: 'never' })).rejects.toThrow(
      'never did not happen within 50 ms',
    );
  });
});
