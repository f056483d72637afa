export type { Db, Queryable, QueryResult } from './types';
export { createPgDb, type PgDbOptions } from './pg-db';
export { createPgliteDb, createPgliteHost, type PgliteDbOptions, type PgliteHost, type PgliteHostOptions } from './pglite-db';
export { migrate, type MigrateOptions } from './migrate';
export { DbError, isUniqueViolation, pgErrorCode, toDbError } from './db-errors';
