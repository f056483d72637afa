/** The JSON types the profile store tells apart; `date` is a string holding an ISO-8601 date (it is also a `string`). */
export type ValueType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array' | 'date';

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Dates as SDKs send them: 2024-05-01, or with a time and an offset (2024-05-01T10:00:00.000Z).
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

export function isDateString(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

// Shared answers of typesOf: it runs for every property of every event.
const NULL: readonly ValueType[] = ['null'];
const ARRAY: readonly ValueType[] = ['array'];
const STRING: readonly ValueType[] = ['string'];
const DATE: readonly ValueType[] = ['string', 'date'];
const NUMBER: readonly ValueType[] = ['number'];
const BOOLEAN: readonly ValueType[] = ['boolean'];
const OBJECT: readonly ValueType[] = ['object'];

/** The types a value counts as: a date string is both `string` and `date`. */
export function typesOf(value: unknown): readonly ValueType[] {
  if (value === null) return NULL;
  if (Array.isArray(value)) return ARRAY;
  switch (typeof value) {
    case 'string':
      return isDateString(value) ? DATE : STRING;
    case 'number':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    default:
      return OBJECT;
  }
}

/**
 * Reads `path` from an object: the whole path as one key first (traits may hold dots in their
 * names), else each dot-separated part in turn. `undefined` means absent.
 */
export function valueAtPath(source: JsonObject, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(source, path)) return source[path];
  if (!path.includes('.')) return undefined;
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (!isPlainObject(current) || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

/** JSON text with object keys sorted, so equal values give equal text (used for ids derived from definitions). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
