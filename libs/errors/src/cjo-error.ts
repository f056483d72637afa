/**
 * The one error type the platform throws on purpose. `code` is stable (tests,
 * DLQ headers and HTTP bodies carry it), `retriable` tells consumers whether a
 * second try can succeed, `cause` keeps the original error for the log.
 */
export class CjoError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CjoError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Wraps anything thrown into a CjoError; unknown errors are not retriable. */
export function toCjoError(err: unknown, fallbackCode = 'internal_error'): CjoError {
  if (err instanceof CjoError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CjoError(fallbackCode, message, { cause: err });
}

export function isRetriable(err: unknown): boolean {
  return err instanceof CjoError && err.retriable;
}
