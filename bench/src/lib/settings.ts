/** A benchmark setting read from the environment: a positive integer, `fallback` when unset or empty. */
export function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** Like positiveInt, for settings that may be fractions (shares, ratios). */
export function positiveNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

/** BENCH_SCENARIOS as a set of the known scenarios (all of them when unset); an unknown name is refused. */
export function scenariosSetting<S extends string>(known: readonly S[]): Set<S> {
  const text = process.env.BENCH_SCENARIOS?.trim();
  const names = text ? text.split(',').map((name) => name.trim()) : [...known];
  const unknown = names.filter((name) => !(known as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return new Set(names as S[]);
}
