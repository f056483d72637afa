/**
 * Sliding-window-counter arithmetic for the rate limit (pure, so it is tested on its own).
 * Time is cut into fixed windows of `windowMs`; the events of the last `windowMs` are estimated as
 * the current window's count plus the previous window's count weighted by how much of it still
 * overlaps the sliding window (the previous window's events are assumed evenly spread).
 */

export interface WindowPosition {
  index: number;
  elapsedMs: number;
}

export function windowAt(nowMs: number, windowMs: number): WindowPosition {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsedMs: nowMs - index * windowMs };
}

export function estimatedCount(previous: number, current: number, elapsedMs: number, windowMs: number): number {
  return (previous * (windowMs - elapsedMs)) / windowMs + current;
}

export interface RefusedRequest {
  /** Events counted in the previous window. */
  previous: number;
  /** Events counted in the current window, the refused request's own excluded. */
  others: number;
  /** Events of the refused request. */
  events: number;
  elapsedMs: number;
  windowMs: number;
  limit: number;
}

/** How long until the request would pass, if nothing else arrived meanwhile (a hint for Retry-After). */
export function waitUntilAllowedMs(refused: RefusedRequest): number {
  const { previous, others, events, elapsedMs, windowMs, limit } = refused;
  if (others + events <= limit && previous > 0) {
    // Later in this window: previous * (windowMs - t) / windowMs <= limit - others - events.
    const at = windowMs * (1 - (limit - others - events) / previous);
    return Math.max(0, Math.ceil(at - elapsedMs));
  }
  // In the next window, where today's count is the previous one.
  const untilNext = windowMs - elapsedMs;
  if (others === 0 || others + events <= limit) return untilNext;
  return Math.ceil(untilNext + Math.max(0, windowMs * (1 - (limit - events) / others)));
}
