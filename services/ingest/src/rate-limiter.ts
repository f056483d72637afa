import { attempt, ok, type StepResult } from '@cjo/bus';
import type { Kv } from '@cjo/kv';
import { reject } from './rejection';
import { estimatedCount, waitUntilAllowedMs, windowAt } from './sliding-window';

export interface RateLimiter {
  /** Counts `events` against the source's budget, or refuses them all (429). */
  take(sourceId: string, events: number): Promise<StepResult<void>>;
}

export interface RateLimit {
  /** Average events per second; 0 turns the limit off. */
  perSecond: number;
  /** Events allowed at once after an idle period. */
  burst: number;
}

interface Scale {
  windowMs: number;
  limit: number;
}

/**
 * A token bucket (rate perSecond, size burst) lets through at most burst + perSecond × d events in
 * any d seconds. Redis (through the Kv) only offers an atomic increment, so that rule is checked at
 * two time scales with sliding-window counters: 1 s and 60 s. Whatever the bucket admits passes both
 * checks; a source may go at most perSecond events over the bucket within a second and burst events
 * over it within a minute. The counters assume the previous window's events were evenly spread.
 */
export function rateLimitScales(limit: RateLimit): Scale[] {
  return [
    { windowMs: 1_000, limit: limit.burst + limit.perSecond },
    { windowMs: 60_000, limit: limit.burst + 60 * limit.perSecond },
  ];
}

const unlimited: RateLimiter = { take: async () => ok(undefined) };

interface Count {
  scale: Scale;
  key: string;
  previous: number;
  current: number;
  elapsedMs: number;
}

export function createRateLimiter(kv: Kv, limit: RateLimit, now: () => number): RateLimiter {
  if (limit.perSecond === 0) return unlimited;
  const scales = rateLimitScales(limit);
  const perSecondCap = scales[0]?.limit ?? limit.burst;

  // Each increment is atomic and every request decides on its own totals, so concurrent
  // requests (on any instance) cannot together overrun a limit.
  async function count(sourceId: string, scale: Scale, at: number, events: number): Promise<Count> {
    const { index, elapsedMs } = windowAt(at, scale.windowMs);
    const key = `ratelimit:${sourceId}:${scale.windowMs}:${index}`;
    const [current, previous] = await Promise.all([
      kv.incrBy(key, events, 2 * scale.windowMs + 1_000),
      kv.get(`ratelimit:${sourceId}:${scale.windowMs}:${index - 1}`),
    ]);
    return { scale, key, previous: Number(previous ?? 0), current, elapsedMs };
  }

  async function take(sourceId: string, events: number): Promise<StepResult<void>> {
    if (events > perSecondCap) {
      return reject(
        400,
        'too_many_events',
        `this request has ${events} events, more than the ${perSecondCap} a source may send in one second; send smaller batches`,
      );
    }
    const at = now();
    const counted = await attempt(() => Promise.all(scales.map((scale) => count(sourceId, scale, at, events))));
    if (counted.type !== 'ok') return counted;
    const over = counted.value.filter(
      ({ scale, previous, current, elapsedMs }) => estimatedCount(previous, current, elapsedMs, scale.windowMs) > scale.limit,
    );
    if (over.length === 0) return ok(undefined);

    // Refused events do not count; if giving them back fails they only make the windows stricter.
    await Promise.allSettled(counted.value.map(({ key }) => kv.incrBy(key, -events)));
    const waitMs = Math.max(
      ...over.map(({ scale, previous, current, elapsedMs }) =>
        waitUntilAllowedMs({ previous, others: current - events, events, elapsedMs, windowMs: scale.windowMs, limit: scale.limit }),
      ),
    );
    return reject(
      429,
      'rate_limited',
      `this source sends more than ${limit.perSecond} events per second (bursts up to ${limit.burst}); retry later`,
      Math.max(1, Math.ceil(waitMs / 1000)),
    );
  }

  return { take };
}
