import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { describeWithInfra, infraUrls, removeNamespace, uniqueName } from '../src/index';

describeWithInfra(['kafka', 'postgres', 'redis'], 'removeNamespace', () => {
  const urls = infraUrls();
  const namespace = uniqueName('testkit_ns');
  const admin = new Kafka({ clientId: 'testkit-ns-test', brokers: urls.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  const pg = new Client({ connectionString: urls.databaseUrl });
  const redis = new Redis(urls.redisUrl);

  beforeAll(async () => {
    await Promise.all([admin.connect(), pg.connect()]);
  });

  afterAll(async () => {
    // Whatever a failing run left behind goes too.
    await removeNamespace(urls, namespace, { pgSchemas: [`${namespace}_svc`] });
    await Promise.all([admin.disconnect(), pg.end()]);
    redis.disconnect();
  });

  it("removes the namespace's topics, schemas and keys, and nothing of another namespace", async () => {
    const other = uniqueName('testkit_other');
    await admin.createTopics({ topics: [{ topic: `${namespace}.events.v1` }, { topic: `${other}.events.v1` }], waitForLeaders: true });
    await pg.query(`CREATE SCHEMA ${pg.escapeIdentifier(`${namespace}_svc`)}`);
    await redis.set(`${namespace}:svc:k`, 'v');
    await redis.set(`${other}:svc:k`, 'v');

    await expect(removeNamespace(urls, namespace, { pgSchemas: [`${namespace}_svc`] })).resolves.toEqual([]);

    const topics = await admin.listTopics();
    expect(topics).not.toContain(`${namespace}.events.v1`);
    expect(topics).toContain(`${other}.events.v1`);
    const schemas = await pg.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [`${namespace}_svc`]);
    expect(schemas.rowCount).toBe(0);
    expect(await redis.get(`${namespace}:svc:k`)).toBeNull();
    expect(await redis.get(`${other}:svc:k`)).toBe('v');
    await removeNamespace(urls, other);
  });

  it('refuses a schema outside the namespace and a namespace that could match shared names', async () => {
    await expect(removeNamespace(urls, namespace, { pgSchemas: ['public'], kafka: false })).resolves.toEqual([
      `postgres: refusing to drop schema public, which is not in namespace ${namespace}`,
    ]);
    await expect(removeNamespace(urls, 'cjo')).rejects.toThrow(/refusing to clean up namespace "cjo"/);
  });
});
