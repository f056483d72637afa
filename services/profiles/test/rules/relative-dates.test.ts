import { compareRelative, nextRelativeChange, RELATIVE_OPERATORS } from '../../src/rules/relative-dates';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2024-06-10T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('compareRelative', () => {
  it.each([
    ['within_last', NOW - 6 * DAY, true],
    ['within_last', NOW - 7 * DAY, true],
    ['within_last', NOW - 7 * DAY - 1, false],
    ['within_last', NOW + 1, false],
    ['more_than_ago', NOW - 7 * DAY, false],
    ['more_than_ago', NOW - 7 * DAY - 1, true],
    ['within_next', NOW, true],
    ['within_next', NOW + 7 * DAY, true],
    ['within_next', NOW + 7 * DAY + 1, false],
    ['within_next', NOW - 1, false],
    ['more_than_ahead', NOW + 7 * DAY, false],
    ['more_than_ahead', NOW + 7 * DAY + 1, true],
  ] as const)('%s 7d of a date at %d is %s', (op, at, expected) => {
    expect(compareRelative(op, iso(at), 7 * DAY, NOW)).toBe(expected);
  });

  it('never matches what is not a date, for the positive and the "more than" operators alike', () => {
    for (const op of RELATIVE_OPERATORS) {
      for (const value of [undefined, null, 5, 'soon', { at: iso(NOW) }]) expect(compareRelative(op, value, DAY, NOW)).toBe(false);
    }
  });

  it('reads date-only values as midnight UTC', () => {
    expect(compareRelative('within_last', '2024-06-10', 12 * 60 * 60 * 1000, NOW)).toBe(true);
    expect(compareRelative('within_last', '2024-06-09', 12 * 60 * 60 * 1000, NOW)).toBe(false);
  });
});

describe('nextRelativeChange', () => {
  // A small deterministic generator, so a failure names values that can be run again.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it('is the first instant after now at which the outcome differs, for every operator (checked against the definition)', () => {
    const next = random(7);
    for (let round = 0; round < 400; round += 1) {
      const op = RELATIVE_OPERATORS[round % RELATIVE_OPERATORS.length] ?? 'within_last';
      const duration = 1 + Math.floor(next() * 50);
      const at = NOW + Math.floor((next() - 0.5) * 200);
      const now = NOW + Math.floor((next() - 0.5) * 200);
      const value = iso(at);
      const before = compareRelative(op, value, duration, now);
      // Scanning well past every bound: durations and offsets stay within ±150 ms of NOW.
      let firstFlip: number | null = null;
      for (let t = now + 1; t <= NOW + 400 && firstFlip === null; t += 1) {
        if (compareRelative(op, value, duration, t) !== before) firstFlip = t;
      }
      expect({ op, duration, at, now, next: nextRelativeChange(op, value, duration, now) }).toEqual({ op, duration, at, now, next: firstFlip });
    }
  });

  it('is null once nothing can change any more, and for values that are not dates', () => {
    expect(nextRelativeChange('within_last', iso(NOW - 8 * DAY), 7 * DAY, NOW)).toBeNull();
    expect(nextRelativeChange('more_than_ago', iso(NOW - 8 * DAY), 7 * DAY, NOW)).toBeNull();
    expect(nextRelativeChange('within_next', iso(NOW - 1), 7 * DAY, NOW)).toBeNull();
    expect(nextRelativeChange('within_next', 'later', 7 * DAY, NOW)).toBeNull();
  });

  it('names the entry and the exit of a future date in turn', () => {
    const trialEnds = NOW + 5 * DAY;
    expect(nextRelativeChange('within_next', iso(trialEnds), 3 * DAY, NOW)).toBe(trialEnds - 3 * DAY);
    expect(nextRelativeChange('within_next', iso(trialEnds), 3 * DAY, trialEnds - 3 * DAY)).toBe(trialEnds + 1);
  });
});
