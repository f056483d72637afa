import { setTimeout as sleep } from 'node:timers/promises';
import { CjoError } from '@cjo/errors';
import type { RetryPolicy } from './types';

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  initialBackoffMs: 100,
  maxBackoffMs: 5000,
});

/** Fills a partial policy with the defaults and rejects values that would make the runner spin or stall. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: partial.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    initialBackoffMs: partial.initialBackoffMs ?? DEFAULT_RETRY_POLICY.initialBackoffMs,
    maxBackoffMs: partial.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
  };
  const valid =
    Number.isInteger(policy.maxAttempts) &&
    policy.maxAttempts >= 1 &&
    policy.initialBackoffMs >= 0 &&
    policy.maxBackoffMs >= policy.initialBackoffMs;
  if (!valid) {
    throw new CjoError('bus_invalid_retry_policy', `invalid retry policy ${JSON.stringify(policy)}`);
  }
  return policy;
}

/**
 * Delay before attempt `failedAttempts + 1`: exponential, capped, with "equal jitter"
 * (half fixed, half random) so consumers that failed together do not retry in lockstep
 * while the delay still grows visibly.
 */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** exponent);
  return Math.round(base / 2 + random() * (base / 2));
}

export interface WaitOptions {
  signal: AbortSignal;
  /** Called between slices so a long wait does not cost the consumer its group membership. */
  heartbeat?: () => Promise<void>;
  heartbeatEveryMs?: number;
}

/**
 * Waits `ms`. Resolves false as soon as the signal aborts or a heartbeat fails (the
 * partition may be moving to another consumer), true when the full time passed.
 */
export async function waitInterruptibly(ms: number, options: WaitOptions): Promise<boolean> {
  const slice = options.heartbeat === undefined ? ms : Math.max(1, options.heartbeatEveryMs ?? 500);
  let remaining = ms;
  while (remaining > 0) {
    if (options.signal.aborted) return false;
    const step = Math.min(slice, remaining);
    try {
      await sleep(step, undefined, { signal: options.signal });
    } catch {
      return false;
    }
    remaining -= step;
    if (options.heartbeat !== undefined) {
      try {
        await options.heartbeat();
      } catch {
        return false;
      }
    }
  }
  return !options.signal.aborted;
}
