import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { dropPgSchema } from './drop-pg-schema';
import type { InfraUrls } from './infra-urls';

export interface RemoveNamespaceOptions {
  /** The namespace's Postgres schemas (each must start with `<namespace>_`). */
  pgSchemas?: readonly string[];
  /** Delete the `<namespace>.*` topics (default true). */
  kafka?: boolean;
}

/**
 * Removes what a namespaced platform (CJO_NAMESPACE) or test created on the shared infrastructure:
 * its topics (`<namespace>.*`), Postgres schemas and Redis keys (`<namespace>:*`). Goes on past a
 * failure and resolves with one line per thing it could not remove (empty: all gone).
 */
export async function removeNamespace(urls: InfraUrls, namespace: string, options: RemoveNamespaceOptions = {}): Promise<string[]> {
  // Only names uniqueName() and the benchmarks make: nothing shared is ever matched by accident.
  if (!/^[a-z][a-z0-9_]{3,}$/.test(namespace)) throw new Error(`refusing to clean up namespace "${namespace}"`);
  const failures: string[] = [];
  if (options.kafka !== false) {
    const admin = new Kafka({ clientId: `${namespace}-cleanup`, brokers: urls.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    } catch (err) {
      failures.push(`kafka topics ${namespace}.*: ${String(err)}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  for (const schema of options.pgSchemas ?? []) {
    if (!schema.startsWith(`${namespace}_`)) {
      failures.push(`postgres: refusing to drop schema ${schema}, which is not in namespace ${namespace}`);
      continue;
    }
    await dropPgSchema(urls.databaseUrl, schema).catch((err: unknown) => failures.push(`postgres schema ${schema}: ${String(err)}`));
  }
  const redis = new Redis(urls.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (err) {
    failures.push(`redis keys ${namespace}:*: ${String(err)}`);
  } finally {
    redis.disconnect();
  }
  return failures;
}
