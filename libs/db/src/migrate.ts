import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CjoError } from '@cjo/errors';
import type { Db } from './types';

export interface MigrateOptions {
  /** Folder of `NNN_name.sql` files, applied in numeric order. */
  dir: string;
}

interface Migration {
  version: number;
  name: string;
  file: string;
}

const MIGRATION_FILE = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/;

async function listMigrations(dir: string): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const file of await readdir(dir)) {
    const match = MIGRATION_FILE.exec(file);
    if (match === null) continue;
    migrations.push({ version: Number(match[1]), name: match[2] ?? '', file: join(dir, file) });
  }
  migrations.sort((a, b) => a.version - b.version);
  const duplicate = migrations.find((m, i) => i > 0 && migrations[i - 1]?.version === m.version);
  if (duplicate !== undefined) {
    throw new CjoError('migration_invalid', `two migrations in ${dir} share version ${duplicate.version}`);
  }
  return migrations;
}

/**
 * Applies every migration not yet recorded in schema_migrations, each in its own transaction.
 * Each transaction first takes an advisory lock for the current schema, so processes starting
 * together apply every migration exactly once; the others wait and then skip it.
 * Returns the versions this call applied.
 */
export async function migrate(db: Db, options: MigrateOptions): Promise<number[]> {
  const applied: number[] = [];
  for (const migration of await listMigrations(options.dir)) {
    const sql = await readFile(migration.file, 'utf8');
    const ran = await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cjo.migrate.' || current_schema()))`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.rowCount > 0) return false;
      await tx.query(sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
