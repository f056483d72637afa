import { Client } from 'pg';
import { describeWithInfra, dropPgSchema, infraUrls, uniqueName } from '../src/index';

describeWithInfra(['postgres'], 'dropPgSchema', () => {
  const { databaseUrl } = infraUrls();
  const schema = uniqueName('testkit_drop');
  const client = new Client({ connectionString: databaseUrl });

  beforeAll(async () => {
    await client.connect();
  });

  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  });

  const schemaExists = async (): Promise<boolean> => {
    const result = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    return result.rowCount === 1;
  };

  it('drops a schema with its tables, and does nothing when it is already gone', async () => {
    await client.query(`CREATE SCHEMA ${client.escapeIdentifier(schema)}`);
    await client.query(`CREATE TABLE ${client.escapeIdentifier(schema)}.t (id int)`);
    expect(await schemaExists()).toBe(true);
    await dropPgSchema(databaseUrl, schema);
    expect(await schemaExists()).toBe(false);
    await expect(dropPgSchema(databaseUrl, schema)).resolves.toBeUndefined();
  });

  it('refuses names a test could not have made', async () => {
    await expect(dropPgSchema(databaseUrl, 'public')).rejects.toMatchObject({ code: 'invalid_schema_name' });
    await expect(dropPgSchema(databaseUrl, 'x"; DROP SCHEMA public; --')).rejects.toMatchObject({
      code: 'invalid_schema_name',
    });
  });
});
