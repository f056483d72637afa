import { CjoError } from '@cjo/errors';

export function assertTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
    throw new CjoError('kv_invalid_argument', `ttlMs must be a positive integer, got ${ttlMs}`);
  }
}

export function assertIncrement(by: number): void {
  if (!Number.isSafeInteger(by)) throw new CjoError('kv_invalid_argument', `incrBy needs an integer, got ${by}`);
}

export function notAnInteger(key: string): CjoError {
  return new CjoError('kv_command_failed', `value at ${JSON.stringify(key)} is not an integer`);
}
