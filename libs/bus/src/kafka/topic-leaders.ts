import { setTimeout as sleep } from 'node:timers/promises';
import { CjoError } from '@cjo/errors';
import type { Admin } from 'kafkajs';

/**
 * Waits until every topic has a leader for each partition. kafkajs's own
 * `waitForLeaders` gives up when a KRaft broker briefly answers "unknown topic"
 * for a topic it has just created, so this polls the metadata instead.
 */
export async function waitForTopicLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(100);
  }
  throw new CjoError('bus_unavailable', `topics created but without leaders after ${timeoutMs} ms: ${topics.join(', ')}`, {
    retriable: true,
    cause: lastError,
  });
}
