import { isDateString } from '../model/json-values';

/**
 * Conditions that compare a date with the current time ("signed up within the last 7 days", "trial
 * ends within the next 3 days"). Their outcome changes with no event, so each profile keeps a timer
 * for the next instant one of them flips (see nextRelativeChange).
 */
export const RELATIVE_OPERATORS = ['within_last', 'more_than_ago', 'within_next', 'more_than_ahead'] as const;

export type RelativeOperator = (typeof RELATIVE_OPERATORS)[number];

export function isRelativeOperator(text: unknown): text is RelativeOperator {
  return typeof text === 'string' && (RELATIVE_OPERATORS as readonly string[]).includes(text);
}

/**
 * Whether the date `actual` stands in the operator's relation to `now`, `durationMs` away. Bounds are
 * inclusive except for the "more than" pair: within_last is [now − d, now], more_than_ago is before
 * now − d, within_next is [now, now + d], more_than_ahead is after now + d. A value that is not a date
 * (or is absent) never matches.
 */
export function compareRelative(op: RelativeOperator, actual: unknown, durationMs: number, now: number): boolean {
  if (!isDateString(actual)) return false;
  const at = Date.parse(actual);
  switch (op) {
    case 'within_last':
      return at <= now && at >= now - durationMs;
    case 'more_than_ago':
      return at < now - durationMs;
    case 'within_next':
      return at >= now && at <= now + durationMs;
    case 'more_than_ahead':
      return at > now + durationMs;
  }
}

/** The instants (ms) at which compareRelative's answer for this date first differs from the one just before. */
function flipInstants(op: RelativeOperator, at: number, durationMs: number): number[] {
  switch (op) {
    case 'within_last':
      return [at, at + durationMs + 1];
    case 'more_than_ago':
      return [at + durationMs + 1];
    case 'within_next':
      return [at - durationMs, at + 1];
    case 'more_than_ahead':
      return [at - durationMs];
  }
}

/** The first instant after `now` at which the condition's outcome changes for this value; null: never. */
export function nextRelativeChange(op: RelativeOperator, actual: unknown, durationMs: number, now: number): number | null {
  if (!isDateString(actual)) return null;
  return earliest(flipInstants(op, Date.parse(actual), durationMs).map((instant) => (instant > now ? instant : null)));
}

/** The earliest of these instants; null when there is none. */
export function earliest(instants: ReadonlyArray<number | null>): number | null {
  let first: number | null = null;
  for (const instant of instants) if (instant !== null && (first === null || instant < first)) first = instant;
  return first;
}
