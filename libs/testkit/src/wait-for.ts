import { setTimeout as sleep } from 'node:timers/promises';
import { CjoError } from '@cjo/errors';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited; it leads the timeout error. */
  message?: string;
}

/**
 * Polls `predicate` until it returns a truthy value and resolves with that
 * value. A throwing predicate counts as "not yet" (the service under test may
 * still be starting); its last error becomes the cause of the timeout error.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 100, message = 'condition' }: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new CjoError('wait_timeout', `${message} did not happen within ${timeoutMs} ms${why}`, {
        cause: lastError,
      });
    }
    await sleep(Math.max(0, Math.min(intervalMs, deadline - Date.now())));
  }
}
