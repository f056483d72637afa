import { CjoError } from '@cjo/errors';

/** A database failure; `pgCode` is the SQLSTATE when Postgres reported one (e.g. 23505). */
export class DbError extends CjoError {
  readonly pgCode: string | undefined;

  constructor(code: 'db_unavailable' | 'db_query_failed', message: string, pgCode: string | undefined, cause: unknown) {
    super(code, message, { retriable: code === 'db_unavailable', cause });
    this.name = 'DbError';
    this.pgCode = pgCode;
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** pg and pg-pool report these without a code. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
];

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function isConnectionFailure(err: unknown): boolean {
  const code = codeOf(err);
  if (code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) {
    return true;
  }
  if (err instanceof AggregateError) return err.errors.some(isConnectionFailure);
  const message = err instanceof Error ? err.message : '';
  return UNAVAILABLE_MESSAGES.some((part) => message.includes(part));
}

/** Connection-level failures become retriable `db_unavailable`; the rest `db_query_failed`. */
export function toDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isConnectionFailure(err)) return new DbError('db_unavailable', `database unavailable: ${message}`, codeOf(err), err);
  const code = codeOf(err);
  const pgCode = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  return new DbError('db_query_failed', message, pgCode, err);
}

/** The Postgres SQLSTATE of an error, whether raw (pg, PGlite) or wrapped in DbError. */
export function pgErrorCode(err: unknown): string | undefined {
  return err instanceof DbError ? err.pgCode : codeOf(err);
}

export function isUniqueViolation(err: unknown): boolean {
  return pgErrorCode(err) === '23505';
}
