import { estimatedCount, waitUntilAllowedMs, windowAt } from '../src/sliding-window';

describe('sliding window arithmetic', () => {
  it('places a time in its window', () => {
    expect(windowAt(12_345, 5_000)).toEqual({ index: 2, elapsedMs: 2_345 });
  });

  it('weights the previous window by how much of it the sliding window still covers', () => {
    expect(estimatedCount(100, 10, 0, 1_000)).toBe(110);
    expect(estimatedCount(100, 10, 250, 1_000)).toBe(85);
    expect(estimatedCount(100, 10, 1_000, 1_000)).toBe(10);
  });

  it.each([
    // previous 100 at the start of the window, limit 100: after 10 % of the window, 10 events fit.
    ['later in this window', { previous: 100, others: 0, events: 10, elapsedMs: 0, windowMs: 1_000, limit: 100 }, 100],
    // the current window is full: wait for the next one, where its count weighs fully at first.
    ['in the next window', { previous: 0, others: 100, events: 10, elapsedMs: 400, windowMs: 1_000, limit: 100 }, 700],
    ['a while into the next window', { previous: 50, others: 60, events: 50, elapsedMs: 900, windowMs: 1_000, limit: 100 }, 267],
  ])('tells how long to wait: %s', (_label, refused, expectedMs) => {
    expect(waitUntilAllowedMs(refused)).toBe(expectedMs);
    // Waiting that long does let the request through (with nothing else sent meanwhile).
    const at = refused.elapsedMs + expectedMs;
    const allowed =
      at < refused.windowMs
        ? estimatedCount(refused.previous, refused.others + refused.events, at, refused.windowMs)
        : estimatedCount(refused.others, refused.events, at - refused.windowMs, refused.windowMs);
    expect(allowed).toBeLessThanOrEqual(refused.limit);
  });
});
