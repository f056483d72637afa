import { bucketExpiry, bucketSizeFor, bucketStart, formatDuration, inWindow, parseDuration } from '../../src/model/window';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('window math', () => {
  it('parses and formats durations', () => {
    expect(['90s', '15m', '12h', '30d', '2w'].map(parseDuration)).toEqual([90_000, 15 * MINUTE, 12 * HOUR, 30 * DAY, 14 * DAY]);
    expect(['', '0d', '1.5h', '30 d', '1y', '-1d'].map(parseDuration)).toEqual([null, null, null, null, null, null]);
    expect([14 * DAY, 30 * DAY, 12 * HOUR, 15 * MINUTE, 90_000].map(formatDuration)).toEqual(['2w', '30d', '12h', '15m', '90s']);
  });

  it('picks the largest bucket that fits the window at least 100 times', () => {
    expect(bucketSizeFor(MINUTE)).toBe(1_000);
    expect(bucketSizeFor(HOUR)).toBe(10_000);
    expect(bucketSizeFor(7 * DAY)).toBe(HOUR);
    expect(bucketSizeFor(30 * DAY)).toBe(6 * HOUR);
    expect(bucketSizeFor(365 * DAY)).toBe(DAY);
  });

  it('keeps an event in a window of W for at least W and at most W plus one bucket', () => {
    const window = HOUR;
    const bucket = bucketSizeFor(window);
    const time = Date.parse('2024-06-01T12:00:03.500Z');
    const start = bucketStart(time, window);
    expect(start).toBe(Date.parse('2024-06-01T12:00:00.000Z'));
    expect(bucketExpiry(start, window)).toBe(start + bucket + window);
    expect(inWindow(time, window, time + window)).toBe(true);
    expect(inWindow(time, window, start + bucket + window - 1)).toBe(true);
    expect(inWindow(time, window, start + bucket + window)).toBe(false);
    expect(bucketExpiry(start, window) - time).toBeLessThanOrEqual(window + bucket);
  });

  it('never expires an all-time aggregate', () => {
    expect(bucketStart(123_456, null)).toBe(0);
    expect(bucketExpiry(0, null)).toBe(Number.POSITIVE_INFINITY);
    expect(inWindow(0, null, Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});
