import { createPgDb, migrate, type Db } from '@cjo/db';
import { dropPgSchema, infraUrls, uniqueName } from '@cjo/testkit';

export interface TestDb {
  db: Db;
  /** Closes the pool and drops the schema with everything in it. */
  dispose(): Promise<void>;
}

/** A fresh, migrated Postgres schema of its own, so tests never see each other's rows. */
export async function createTestDb(prefix: string, migrationsDir: string): Promise<TestDb> {
  const { databaseUrl } = infraUrls();
  const schema = uniqueName(prefix);
  const db = createPgDb({ url: databaseUrl, schema, max: 4 });
  await migrate(db, { dir: migrationsDir });
  return {
    db,
    async dispose() {
      await db.close();
      await dropPgSchema(databaseUrl, schema);
    },
  };
}
