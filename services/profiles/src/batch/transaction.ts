import type { Db, Queryable } from '@cjo/db';
import { pgErrorCode } from '@cjo/db';
import { CjoError } from '@cjo/errors';

/** deadlock_detected, serialization_failure: the transaction lost a race and may simply run again. */
const CONFLICT_SQLSTATES = new Set(['40P01', '40001']);

/** db.transaction, with a lost race between transactions turned into a retriable error. */
export async function inTransaction<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(fn);
  } catch (err) {
    const code = pgErrorCode(err);
    if (code !== undefined && CONFLICT_SQLSTATES.has(code)) {
      throw new CjoError('db_conflict', `transaction lost a race (${code}); it runs again`, { retriable: true, cause: err });
    }
    throw err;
  }
}
