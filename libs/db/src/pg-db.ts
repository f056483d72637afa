import { Pool, types, type PoolClient } from 'pg';
import type { Logger } from '@cjo/log';
import { isUniqueViolation, toDbError } from './db-errors';
import { assertSchemaName, quoteIdent } from './schema-name';
import type { Db, Queryable, QueryResult } from './types';

export interface PgDbOptions {
  url: string;
  /** Every connection's search_path; created when missing. */
  schema: string;
  max?: number;
  /** How long a query waits for a pooled connection before failing with db_unavailable. */
  connectTimeoutMs?: number;
  /** Told about errors on idle connections (which would otherwise crash the process). */
  logger?: Logger;
}

const INT8_OID = 20;

/** int8 as a number when it fits, like PGlite does, so both back ends return the same shapes. */
function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER) ? value : Number(value);
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

async function run<R>(target: Pool | PoolClient, sql: string, params?: unknown[]): Promise<QueryResult<R>> {
  try {
    const result = await target.query(sql, params);
    // A multi-statement text yields one result per statement.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? 0 };
  } catch (err) {
    throw toDbError(err);
  }
}

/**
 * A pooled Postgres connection scoped to one schema. The schema is created before the first
 * statement runs (and retried on the next one if the database was down), so creation is synchronous.
 */
export function createPgDb(options: PgDbOptions): Db {
  const schema = assertSchemaName(options.schema);
  const pool = new Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    options: `-c search_path=${schema}`,
    types: typeParsers,
  });
  pool.on('error', (err) => options.logger?.warn({ err }, 'idle postgres connection failed'));

  let ready: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  function ensureSchema(): Promise<void> {
    ready ??= run(pool, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).then(
      () => undefined,
      (err: unknown) => {
        // Two processes creating the schema at once: the loser sees a duplicate in pg_namespace.
        if (isUniqueViolation(err)) return;
        ready = undefined;
        throw err;
      },
    );
    return ready;
  }

  return {
    async query<R>(sql: string, params?: unknown[]) {
      await ensureSchema();
      return run<R>(pool, sql, params);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      await ensureSchema();
      const client = await pool.connect().catch((err: unknown) => {
        throw toDbError(err);
      });
      const tx: Queryable = { query: (sql, params) => run(client, sql, params) };
      try {
        await tx.query('BEGIN');
        const result = await fn(tx);
        await tx.query('COMMIT');
        client.release();
        return result;
      } catch (err) {
        // A client whose ROLLBACK fails is broken; destroy it rather than return it to the pool.
        const rollbackError = await client.query('ROLLBACK').then(
          () => undefined,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        );
        client.release(rollbackError);
        throw err;
      }
    },
    // pg throws when a pool is ended twice; stopping twice is normal during shutdown.
    close: () => (closing ??= pool.end()),
  };
}
