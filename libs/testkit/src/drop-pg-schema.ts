import { Client } from 'pg';
import { CjoError } from '@cjo/errors';

/** Drops a test's Postgres schema and everything in it; for afterAll cleanup. */
export async function dropPgSchema(databaseUrl: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    // Only names uniqueName() can produce: refuses anything that could reach a shared schema by accident.
    throw new CjoError('invalid_schema_name', `refusing to drop schema "${schema}": not a test schema name`);
  }
  if (schema === 'public' || schema.startsWith('pg_')) {
    throw new CjoError('invalid_schema_name', `refusing to drop system schema "${schema}"`);
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
