import { createMemoryKv } from '@cjo/kv';
import { createRateLimiter } from '../src/rate-limiter';

/** Simulated token bucket, the reference the limiter approximates. */
function tokenBucket(perSecond: number, burst: number) {
  let level = burst;
  let last = 0;
  return (at: number, events: number) => {
    level = Math.min(burst, level + ((at - last) / 1_000) * perSecond);
    last = at;
    if (level < events) return false;
    level -= events;
    return true;
  };
}

describe('createRateLimiter', () => {
  let now: number;
  const clock = () => now;
  const limiter = () => createRateLimiter(createMemoryKv({ now: clock }), { perSecond: 10, burst: 20 }, clock);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets a burst through at once, then refuses with 429 and a Retry-After', async () => {
    const limit = limiter();
    await expect(limit.take('s', 20)).resolves.toEqual({ type: 'ok', value: undefined });
    await expect(limit.take('s', 10)).resolves.toEqual({ type: 'ok', value: undefined });
    const refused = await limit.take('s', 1);
    expect(refused).toMatchObject({ type: 'dlq', error: { statusCode: 429, code: 'rate_limited', retryAfterSeconds: 2 } });
  });

  it.each([
    ['a steady 30 per second', 1_000 / 30, 1],
    ['bursts of 15 each second', 1_000, 15],
    ['a batch of 20 every 2 s', 2_000, 20],
    ['a steady 9 per second (under the rate)', 1_000 / 9, 1],
  ])('admits at least what a token bucket admits, within the per-second and per-minute caps: %s', async (_label, everyMs, events) => {
    const limit = limiter();
    const bucket = tokenBucket(10, 20);
    let bucketAdmitted = 0;
    const admittedAt: number[] = [];
    for (let at = 0; at < 300_000; at += everyMs) {
      now = 1_000_000 + Math.round(at);
      if ((await limit.take('s', events)).type === 'ok') admittedAt.push(...Array<number>(events).fill(now));
      if (bucket(Math.round(at), events)) bucketAdmitted += events;
    }
    expect(admittedAt.length).toBeGreaterThanOrEqual(bucketAdmitted - events);
    const most = (windowMs: number) => {
      const perWindow = new Map<number, number>();
      for (const at of admittedAt) perWindow.set(Math.floor(at / windowMs), (perWindow.get(Math.floor(at / windowMs)) ?? 0) + 1);
      return Math.max(...perWindow.values());
    };
    // burst + perSecond in any (fixed) second, burst + 60 × perSecond in any (fixed) minute.
    expect(most(1_000)).toBeLessThanOrEqual(30);
    expect(most(60_000)).toBeLessThanOrEqual(620);
  });

  it('does not count refused events', async () => {
    const limit = limiter();
    await limit.take('s', 25);
    expect((await limit.take('s', 10)).type).toBe('dlq');
    expect((await limit.take('s', 5)).type).toBe('ok');
  });

  it('limits each source on its own', async () => {
    const limit = limiter();
    await limit.take('a', 30);
    expect((await limit.take('b', 30)).type).toBe('ok');
  });

  it('refuses a request larger than a second’s allowance with 400, since retrying cannot help', async () => {
    expect(await limiter().take('s', 31)).toMatchObject({ type: 'dlq', error: { statusCode: 400, code: 'too_many_events' } });
  });

  it('is off at 0 events per second', async () => {
    const limit = createRateLimiter(createMemoryKv({ now: clock }), { perSecond: 0, burst: 1 }, clock);
    expect((await limit.take('s', 1_000_000)).type).toBe('ok');
  });
});
