import { fromError, ok, type StepResult } from '@cjo/bus';

/** Runs an I/O step: a retriable CjoError (db or bus unavailable) becomes retry, anything else dlq. */
export async function attempt<T>(fn: () => Promise<T>): Promise<StepResult<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    return fromError(err);
  }
}
