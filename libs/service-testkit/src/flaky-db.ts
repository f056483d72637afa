import type { Db, Queryable } from '@cjo/db';
import { CjoError } from '@cjo/errors';

export interface FlakyDb extends Db {
  /** How many statements have failed so far. */
  failed(): number;
}

/** A Db whose first `failures` statements fail as a lost connection does, to exercise the retry path. */
export function flakyDb(db: Db, failures: number): FlakyDb {
  let failed = 0;
  const query: Queryable['query'] = (sql, params) => {
    if (failed < failures) {
      failed += 1;
      return Promise.reject(new CjoError('db_unavailable', 'connection lost', { retriable: true }));
    }
    return db.query(sql, params);
  };
  return { query, transaction: (fn) => db.transaction(fn), close: () => db.close(), failed: () => failed };
}
