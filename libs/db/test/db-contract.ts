import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CjoError } from '@cjo/errors';
import { uniqueName } from '@cjo/testkit';
import { DbError, isUniqueViolation, migrate, type Db } from '../src';

export interface DbContractTarget {
  /** A new Db on the given schema. */
  open(schema: string): Db;
  /** Two Db handles that race each other the way two processes would. */
  openRacingPair(schema: string): [Db, Db];
  /** Drops what the suite created, given every schema it used. */
  cleanup(schemas: string[]): Promise<void>;
  /** A Db whose server cannot be reached; omitted where there is no server (PGlite). */
  openUnreachable?: () => Db;
}

const MIGRATIONS: Record<string, string> = {
  '001_create_items.sql': 'CREATE TABLE items (id text PRIMARY KEY, qty integer NOT NULL);\nCREATE INDEX items_qty ON items (qty);',
  '002_add_note.sql': "ALTER TABLE items ADD COLUMN note text NOT NULL DEFAULT '';",
  'README.md': 'not a migration',
};

/** One suite, run against every Db implementation, so both back ends behave alike. */
export function describeDbContract(label: string, target: DbContractTarget): void {
  describe(`Db contract: ${label}`, () => {
    const prefix = uniqueName(`db_${label}`);
    const schemas: string[] = [];
    const opened: Db[] = [];
    let migrationsDir = '';
    let counter = 0;

    const track = (db: Db) => (opened.push(db), db);
    const nextSchema = () => {
      const schema = `${prefix}_${++counter}`;
      schemas.push(schema);
      return schema;
    };
    const openFresh = () => track(target.open(nextSchema()));

    beforeAll(async () => {
      migrationsDir = await mkdtemp(join(tmpdir(), 'cjo-migrations-'));
      for (const [file, sql] of Object.entries(MIGRATIONS)) await writeFile(join(migrationsDir, file), sql);
    });

    afterAll(async () => {
      await Promise.all(opened.map((db) => db.close()));
      await target.cleanup(schemas);
      await rm(migrationsDir, { recursive: true, force: true });
    });

    it('runs queries with parameters in its own schema', async () => {
      const db = openFresh();
      await db.query('CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)');
      const inserted = await db.query('INSERT INTO notes (id, body) VALUES ($1, $2), ($3, $4) RETURNING id', [1, 'a', 2, 'b']);
      expect(inserted.rowCount).toBe(2);
      const result = await db.query<{ id: number; body: string; total: number }>(
        'SELECT id, body, count(*) OVER () AS total FROM notes WHERE id >= $1 ORDER BY id',
        [1],
      );
      expect(result.rows).toEqual([
        { id: 1, body: 'a', total: 2 },
        { id: 2, body: 'b', total: 2 },
      ]);
      const updated = await db.query('UPDATE notes SET body = $1', ['c']);
      expect(updated.rowCount).toBe(2);
      const where = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
      expect(where.rows[0]?.schema).toBe(schemas[schemas.length - 1]);
    });

    it('commits a transaction', async () => {
      const db = openFresh();
      await db.query('CREATE TABLE counters (name text PRIMARY KEY, n integer NOT NULL)');
      const result = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO counters VALUES ($1, $2)', ['a', 1]);
        await tx.query('UPDATE counters SET n = n + 1 WHERE name = $1', ['a']);
        return 'done';
      });
      expect(result).toBe('done');
      expect((await db.query('SELECT n FROM counters')).rows).toEqual([{ n: 2 }]);
    });

    it('rolls a transaction back when the function throws', async () => {
      const db = openFresh();
      await db.query('CREATE TABLE counters (name text PRIMARY KEY, n integer NOT NULL)');
      const failure = new Error('changed my mind');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO counters VALUES ($1, $2)', ['a', 1]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect((await db.query('SELECT * FROM counters')).rowCount).toBe(0);
      await db.query('INSERT INTO counters VALUES ($1, $2)', ['b', 1]);
      expect((await db.query('SELECT name FROM counters')).rows).toEqual([{ name: 'b' }]);
    });

    it('applies migrations once, in order, and is idempotent', async () => {
      const db = openFresh();
      expect(await migrate(db, { dir: migrationsDir })).toEqual([1, 2]);
      expect(await migrate(db, { dir: migrationsDir })).toEqual([]);
      await db.query('INSERT INTO items (id, qty) VALUES ($1, $2)', ['x', 3]);
      expect((await db.query('SELECT id, qty, note FROM items')).rows).toEqual([{ id: 'x', qty: 3, note: '' }]);
      const recorded = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(recorded.rows).toEqual([
        { version: 1, name: 'create_items' },
        { version: 2, name: 'add_note' },
      ]);
    });

    it('applies each migration once when two migrators race', async () => {
      const [first, second] = target.openRacingPair(nextSchema());
      track(first);
      if (second !== first) track(second);
      const [a, b] = await Promise.all([migrate(first, { dir: migrationsDir }), migrate(second, { dir: migrationsDir })]);
      expect([...a, ...b].sort()).toEqual([1, 2]);
      expect((await first.query('SELECT count(*) AS n FROM schema_migrations')).rows).toEqual([{ n: 2 }]);
    });

    it('reports unique violations as non-retriable errors carrying the Postgres code', async () => {
      const db = openFresh();
      await db.query('CREATE TABLE users (email text PRIMARY KEY)');
      await db.query('INSERT INTO users VALUES ($1)', ['a@example.com']);
      const error: unknown = await db.query('INSERT INTO users VALUES ($1)', ['a@example.com']).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(error).toBeInstanceOf(DbError);
      expect(error).toMatchObject({ code: 'db_query_failed', retriable: false, pgCode: '23505' });
      const syntax: unknown = await db.query('SELEC 1').catch((e: unknown) => e);
      expect(isUniqueViolation(syntax)).toBe(false);
      expect(syntax).toMatchObject({ code: 'db_query_failed', pgCode: '42601' });
    });

    const openUnreachable = target.openUnreachable;
    if (openUnreachable !== undefined) {
      it('fails with a retriable db_unavailable when the server cannot be reached', async () => {
        const db = track(openUnreachable());
        const error: unknown = await db.query('SELECT 1').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CjoError);
        expect(error).toMatchObject({ code: 'db_unavailable', retriable: true });
        expect((error as CjoError).cause).toBeDefined();
        const inTx: unknown = await db.transaction(async () => 1).catch((e: unknown) => e);
        expect(inTx).toMatchObject({ code: 'db_unavailable', retriable: true });
      });
    }
  });
}
