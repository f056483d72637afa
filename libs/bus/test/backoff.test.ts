import { DEFAULT_RETRY_POLICY, backoffDelay, resolveRetryPolicy } from '../src';
import { waitInterruptibly } from '../src/backoff';

describe('backoffDelay', () => {
  const policy = { maxAttempts: 10, initialBackoffMs: 100, maxBackoffMs: 1000 };

  test('doubles per failed attempt, half of it jittered', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, () => 1)).toBe(200);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(300);
  });

  test('is capped at maxBackoffMs', () => {
    expect(backoffDelay(30, policy, () => 1)).toBe(1000);
    expect(backoffDelay(30, policy, () => 0)).toBe(500);
  });

  test('stays within [base/2, base] with the real random source', () => {
    for (let i = 0; i < 50; i += 1) {
      const delay = backoffDelay(3, policy);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });
});

describe('resolveRetryPolicy', () => {
  test('defaults to 5 attempts, 100 ms initial and 5 s maximum backoff', () => {
    expect(resolveRetryPolicy()).toEqual({ maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 5000 });
    expect(DEFAULT_RETRY_POLICY).toEqual(resolveRetryPolicy({}));
  });

  test('keeps what is given', () => {
    expect(resolveRetryPolicy({ maxAttempts: 2 })).toEqual({ maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 5000 });
  });

  test.each([{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { initialBackoffMs: -1 }, { initialBackoffMs: 10, maxBackoffMs: 5 }])(
    'rejects %j',
    (partial) => {
      expect(() => resolveRetryPolicy(partial)).toThrow(expect.objectContaining({ code: 'bus_invalid_retry_policy' }));
    },
  );
});

describe('waitInterruptibly', () => {
  test('resolves true once the time has passed, heartbeating in slices', async () => {
    let heartbeats = 0;
    const waited = await waitInterruptibly(50, {
      signal: new AbortController().signal,
      heartbeat: async () => {
        heartbeats += 1;
      },
      heartbeatEveryMs: 10,
    });
    expect(waited).toBe(true);
    expect(heartbeats).toBe(5);
  });

  test('resolves false as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    expect(await waitInterruptibly(5000, { signal: controller.signal })).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('resolves false when a heartbeat fails', async () => {
    const waited = await waitInterruptibly(5000, {
      signal: new AbortController().signal,
      heartbeat: () => Promise.reject(new Error('rebalancing')),
      heartbeatEveryMs: 10,
    });
    expect(waited).toBe(false);
  });
});
