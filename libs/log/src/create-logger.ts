import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { censorSecrets, REDACTED, SECRET_FIELDS } from './censor-secrets';

/**
 * What pino's own redaction censors: secret field names at the top level of a line or of a child's
 * bindings, and the credential headers of a logged request. No path starts with a wildcard: pino runs
 * a wildcard path's redactor (a deep copy of the value) on every top-level value of every line and
 * every child binding, fastify's per-request `reqId` included. Secret fields one level down in a
 * line are censored by `censorSecrets`, which copies nothing when there is nothing to censor; child
 * bindings are censored at the top level only.
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
];

export interface LoggerOptions {
  name: string;
  level?: Level | 'silent';
  /** Where lines go; stdout when omitted (tests pass a stream to read them back). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    formatters: { log: censorSecrets },
  };
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
}
