import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { toDbError } from './db-errors';
import { assertSchemaName, quoteIdent } from './schema-name';
import type { Db, Queryable, QueryResult } from './types';

export interface PgliteHostOptions {
  /** Directory holding the database files; in memory when omitted. One host per directory. */
  dataDir?: string;
}

/**
 * One PGlite database serving any number of schemas. A PGlite instance costs seconds to start
 * and a few hundred MB, so the embedded mode runs every service's schema on one host.
 */
export interface PgliteHost {
  /** A Db whose statements run with search_path = schema (created when missing). Its close() is a no-op. */
  db(schema: string): Db;
  close(): Promise<void>;
}

export interface PgliteDbOptions extends PgliteHostOptions {
  schema: string;
}

type Target = Pick<PGlite | Transaction, 'query' | 'exec'>;

function toResult<R>(result: Results | undefined): QueryResult<R> {
  const rows = (result?.rows ?? []) as R[];
  return { rows, rowCount: Math.max(rows.length, result?.affectedRows ?? 0) };
}

async function run<R>(target: Target, sql: string, params?: unknown[]): Promise<QueryResult<R>> {
  try {
    if (params === undefined || params.length === 0) {
      // The simple protocol accepts several statements, as pg does without parameters.
      const results = await target.exec(sql);
      return toResult<R>(results[results.length - 1]);
    }
    return toResult<R>(await target.query(sql, params));
  } catch (err) {
    throw toDbError(err);
  }
}

export function createPgliteHost(options: PgliteHostOptions = {}): PgliteHost {
  const pglite = new PGlite(options.dataDir);
  let closing: Promise<void> | undefined;

  // PGlite is one connection and a transaction holds it exclusively, so SET LOCAL scopes the
  // search_path to exactly this Db's statements even when other schemas share the instance.
  function inSchema<T>(schema: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return pglite.transaction(async (tx) => {
      await run(tx, `SET LOCAL search_path TO ${quoteIdent(schema)}`);
      return fn({ query: (sql, params) => run(tx, sql, params) });
    });
  }

  function db(schemaName: string): Db {
    const schema = assertSchemaName(schemaName);
    let ready: Promise<void> | undefined;
    const ensureSchema = () => {
      ready ??= run(pglite, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).then(
        () => undefined,
        (err: unknown) => {
          ready = undefined;
          throw err;
        },
      );
      return ready;
    };
    return {
      async query<R>(sql: string, params?: unknown[]) {
        await ensureSchema();
        return inSchema(schema, (tx) => tx.query<R>(sql, params));
      },
      async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
        await ensureSchema();
        return inSchema(schema, fn);
      },
      close: async () => {},
    };
  }

  return {
    db,
    close: () => (closing ??= pglite.closed ? Promise.resolve() : pglite.close()),
  };
}

/** A Db on its own PGlite instance; close() shuts the instance down. */
export function createPgliteDb(options: PgliteDbOptions): Db {
  assertSchemaName(options.schema);
  const host = createPgliteHost(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  return { ...host.db(options.schema), close: () => host.close() };
}
