/** Field names whose values must never reach a log line, at the top level or one level down. */
export const SECRET_FIELDS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'writeKey',
  'token',
  'secret',
  'apiKey',
  'CJO_ADMIN_TOKEN',
];
const SECRET_NAMES: ReadonlySet<string> = new Set(SECRET_FIELDS);

export const REDACTED = '[redacted]';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `object` with its own secret fields censored: a copy when there are any, `object` itself otherwise. */
function censorOwnFields(object: Record<string, unknown>, below: (value: unknown) => unknown): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const censored = SECRET_NAMES.has(key) ? REDACTED : below(value);
    if (censored !== value) (copy ??= { ...object })[key] = censored;
  }
  return copy ?? object;
}

const leaveAsIs = (value: unknown): unknown => value;

/**
 * A log line's fields with every secret field censored, at the top level and in plain objects one
 * level down (pino runs it as `formatters.log`; it never sees child bindings, which pino censors at
 * the top level). The caller's objects are never changed: what holds a
 * secret is copied, the rest is passed through as it is (on the hot path, nothing is copied).
 * Errors and other class instances one level down are left to their serializers.
 */
export function censorSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  return censorOwnFields(fields, (value) => (isPlainObject(value) ? censorOwnFields(value, leaveAsIs) : value));
}
