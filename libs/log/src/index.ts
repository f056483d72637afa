export { createLogger, REDACT_PATHS, type LoggerOptions } from './create-logger';
export type { Logger, Level } from 'pino';
