import { KindGuard, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, type ConfigProblem } from './config-error';
import { describeExpected, isSecret } from './schema-info';

type Env = Record<string, string | undefined>;

/**
 * Reads configuration from environment variables named by the schema's keys.
 * Empty strings count as unset (compose files often pass `VAR=`), arrays are
 * read as comma-separated lists, and every bad variable is reported at once.
 */
export function loadConfig<T extends TObject>(schema: T, env: Env = process.env): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    const text = env[key];
    if (text === undefined || text === '') continue;
    raw[key] = KindGuard.IsArray(property) ? splitList(text) : text;
  }
  const value = Value.Convert(schema, Value.Default(schema, structuredClone(raw)));
  if (Value.Check(schema, value)) return value;
  throw new ConfigError(problemsOf(schema, value, raw));
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function problemsOf(schema: TObject, value: unknown, raw: Record<string, unknown>): ConfigProblem[] {
  const badKeys = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    const key = error.path.split('/')[1];
    if (key !== undefined && key in schema.properties) badKeys.add(key);
  }
  return [...badKeys].map((key) => {
    const property = schema.properties[key] as TSchema;
    return { variable: key, expected: describeExpected(property), got: describeGot(raw[key], isSecret(property)) };
  });
}

function describeGot(raw: unknown, secret: boolean): string {
  if (raw === undefined) return 'nothing (unset or empty)';
  if (secret) return 'a value that is not shown because it is secret';
  return JSON.stringify(Array.isArray(raw) ? raw.join(',') : raw);
}
