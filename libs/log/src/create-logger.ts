import pino, { type DestinationStream, type Level, type Logger } from 'pino';

/** Field names whose values must never reach a log line, at the top level or one level down. */
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'writeKey', 'token', 'secret', 'apiKey', 'CJO_ADMIN_TOKEN'];

export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
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
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
}
