/**
 * Sliding windows are kept as sparse buckets: an event lands in the bucket holding its time, and a
 * bucket stays in the window until its *end* is older than the window. So an event counts for
 * between W and W + bucket after it happened, never less; the bucket is at most 1% of the window.
 */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: Record<string, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

/** Bucket sizes to choose from, smallest first; each window takes the largest one that fits it 100 times. */
const BUCKET_SIZES = [SECOND, 10 * SECOND, MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, DAY];
const BUCKETS_PER_WINDOW = 100;

export const MIN_WINDOW_MS = MINUTE;

/** `30d`, `12h`, `15m`, `90s`, `2w` → milliseconds; null when the text is not such a duration. */
export function parseDuration(text: string): number | null {
  const match = /^([1-9]\d{0,5})([smhdw])$/.exec(text);
  if (match === null) return null;
  return Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0);
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['w', 7 * DAY], ['d', DAY], ['h', HOUR], ['m', MINUTE]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / SECOND)}s`;
}

export function bucketSizeFor(windowMs: number): number {
  let chosen = BUCKET_SIZES[0] ?? SECOND;
  for (const size of BUCKET_SIZES) if (size * BUCKETS_PER_WINDOW <= windowMs) chosen = size;
  return chosen;
}

/** Start of the bucket holding `time`; every event of an all-time aggregate (no window) lands in bucket 0. */
export function bucketStart(time: number, windowMs: number | null): number {
  if (windowMs === null) return 0;
  const size = bucketSizeFor(windowMs);
  return Math.floor(time / size) * size;
}

/** When the bucket starting at `start` leaves the window; never for all-time aggregates. */
export function bucketExpiry(start: number, windowMs: number | null): number {
  if (windowMs === null) return Number.POSITIVE_INFINITY;
  return start + bucketSizeFor(windowMs) + windowMs;
}

/** Whether an event at `time` still counts at `now`. */
export function inWindow(time: number, windowMs: number | null, now: number): boolean {
  return bucketExpiry(bucketStart(time, windowMs), windowMs) > now;
}
