import { toCjoError, type CjoError } from '@cjo/errors';
import type { DedupeStore } from './dedupe-store';

/**
 * The "done" markers of published events, written after the request is answered. Once Kafka
 * acknowledged the events the answer is 200 whatever the marker write does (a failure only widens
 * the window in which a resend could publish again), so waiting for it only added a Redis round
 * trip to every request's latency.
 */
export interface Confirmations {
  /**
   * Starts marking the messageIds done. The Kv command is issued before this returns, so on this
   * instance's connection it precedes any claim of a resend: a client that gets the 200 and sends
   * the call again finds it done.
   */
  confirm(sourceId: string, messageIds: string[]): void;
  /** Resolves once every confirmation started so far has settled (stop() waits for it). */
  settle(): Promise<void>;
}

export function backgroundConfirmations(
  dedupe: Pick<DedupeStore, 'confirm'>,
  onFailure: (error: CjoError, messageIds: number) => void,
): Confirmations {
  const running = new Set<Promise<void>>();
  return {
    confirm(sourceId, messageIds) {
      const done: Promise<void> = dedupe
        .confirm(sourceId, messageIds)
        .catch((err: unknown) => onFailure(toCjoError(err, 'dedupe_confirm_failed'), messageIds.length))
        .finally(() => running.delete(done));
      running.add(done);
    },
    async settle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
