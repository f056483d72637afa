import { CjoError, toCjoError } from '@cjo/errors';
import type { HandlerResult } from './types';

/** What one step of a handler pipeline produced; only the final one reaches the runner. */
export type StepResult<T> =
  | { type: 'ok'; value: T }
  | { type: 'drop'; reason: string }
  | { type: 'dlq'; error: CjoError }
  | { type: 'retry'; error: CjoError };

export const ok = <T>(value: T): StepResult<T> => ({ type: 'ok', value });

export function drop(reason: string): StepResult<never> {
  return { type: 'drop', reason };
}

export function dlq(error: CjoError): StepResult<never> {
  return { type: 'dlq', error };
}

export function retry(error: CjoError): StepResult<never> {
  return { type: 'retry', error };
}

export function toHandlerResult(result: StepResult<unknown>): HandlerResult {
  return result.type === 'ok' ? { type: 'ok' } : result;
}

/** Only a retriable CjoError is worth another try; anything else would fail the same way again. */
export function fromError(err: unknown): StepResult<never> {
  if (err instanceof CjoError && err.retriable) return retry(err);
  return dlq(toCjoError(err));
}

/** Runs an I/O step: a retriable CjoError (db or bus unavailable) becomes retry, anything else dlq. */
export async function attempt<T>(fn: () => Promise<T>): Promise<StepResult<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    return fromError(err);
  }
}
