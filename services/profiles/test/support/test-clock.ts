/** A clock tests move by hand; it starts at real time so stored timestamps look ordinary. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}

/** Real time; advance and set are refused (a test that moves time needs testClock()). */
export function realClock(): TestClock {
  const refuse = (): never => {
    throw new Error('this harness runs on real time; pass clock: testClock() to move it');
  };
  return { now: () => Date.now(), advance: refuse, set: refuse };
}
