import { createKafkaBus, type Bus } from '@cjo/bus';
import { topicSpecs } from '@cjo/contract';
import { createRedisKv, type Kv } from '@cjo/kv';
import type { Logger } from '@cjo/log';
import { infraUrls, removeNamespace, uniqueName } from '@cjo/testkit';

/** A namespace of its own on the shared Kafka and Redis: topic prefix, Redis key prefix, and their removal. */
export interface TestNamespace {
  name: string;
  topicPrefix: string;
  bus: Bus;
  kv(label?: string): Kv;
  /** Closes what it opened and removes the namespace's topics and keys. */
  dispose(): Promise<void>;
}

export async function createTestNamespace(label: string, logger: Logger): Promise<TestNamespace> {
  const urls = infraUrls();
  const name = uniqueName(label);
  const topicPrefix = `${name}.`;
  const bus = createKafkaBus({ brokers: urls.kafkaBrokers, clientId: name, logger });
  const stores: Kv[] = [];
  await bus.ensureTopics(topicSpecs(topicPrefix));
  return {
    name,
    topicPrefix,
    bus,
    kv(kvLabel = 'identity') {
      const kv = createRedisKv({ url: urls.redisUrl, prefix: `${name}:${kvLabel}:` });
      stores.push(kv);
      return kv;
    },
    async dispose() {
      await Promise.all(stores.map((kv) => kv.close()));
      await bus.close();
      const failures = await removeNamespace(urls, name);
      if (failures.length > 0) throw new Error(`cleanup of ${name} failed: ${failures.join('; ')}`);
    },
  };
}
