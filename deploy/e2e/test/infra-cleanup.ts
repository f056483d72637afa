import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import { dropPgSchema, infraUrls } from '@cjo/testkit';

/** Removes everything a namespaced platform created: topics, Postgres schemas, Redis keys. */
export async function removeNamespace(
  namespace: string,
  services: readonly string[],
  options: { kafka?: boolean } = {},
): Promise<void> {
  const urls = infraUrls();
  if (options.kafka !== false) await deleteTopics(urls.kafkaBrokers, namespace);
  for (const service of services) await dropPgSchema(urls.databaseUrl, `${namespace}_${service}`);
  const redis = new Redis(urls.redisUrl);
  try {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function deleteTopics(brokers: string[], namespace: string): Promise<void> {
  const admin = new Kafka({ clientId: 'e2e-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
