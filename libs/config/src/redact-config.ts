import type { Static, TObject } from '@sinclair/typebox';
import { isSecret } from './schema-info';

export const REDACTED = '[redacted]';

/** A copy of the config safe to log: values of properties marked `{ secret: true }` are replaced. */
export function redactConfig<T extends TObject>(schema: T, config: Static<T>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const [key, property] of Object.entries(schema.properties)) {
    if (isSecret(property) && copy[key] !== undefined) copy[key] = REDACTED;
  }
  return copy;
}
