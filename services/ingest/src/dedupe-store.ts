import type { Kv } from '@cjo/kv';

/**
 * claimed: this request may publish the event. done: it was published within the dedupe window.
 * in_flight: another request claimed it and has not finished (or crashed: the claim then expires).
 */
export type ClaimState = 'claimed' | 'done' | 'in_flight';

/**
 * Two-phase markers per (source, messageId): a short "pending" claim, then a long "done". A claim
 * carries the claiming request's token, so a request only ever releases its own claim.
 */
export interface DedupeStore {
  claim(sourceId: string, messageId: string, token: string): Promise<ClaimState>;
  /** The event is on the topic: remember it for the whole window. */
  confirm(sourceId: string, messageId: string): Promise<void>;
  /** Publishing failed: let the client's retry claim it again at once. */
  release(sourceId: string, messageId: string, token: string): Promise<void>;
}

export interface DedupeTimes {
  pendingTtlMs: number;
  doneTtlMs: number;
}

const DONE = 'done';
const pending = (token: string) => `pending:${token}`;

export function dedupeKey(sourceId: string, messageId: string): string {
  return `dedupe:${sourceId}:${messageId}`;
}

export function kvDedupeStore(kv: Kv, times: DedupeTimes): DedupeStore {
  return {
    async claim(sourceId, messageId, token) {
      const key = dedupeKey(sourceId, messageId);
      // Twice, because a pending claim can expire between the refused set and the get.
      for (let round = 0; round < 2; round += 1) {
        if (await kv.set(key, pending(token), { ttlMs: times.pendingTtlMs, onlyIfAbsent: true })) return 'claimed';
        const state = await kv.get(key);
        if (state === DONE) return 'done';
        if (state !== null) return 'in_flight';
      }
      return 'in_flight';
    },
    async confirm(sourceId, messageId) {
      await kv.set(dedupeKey(sourceId, messageId), DONE, { ttlMs: times.doneTtlMs });
    },
    async release(sourceId, messageId, token) {
      const key = dedupeKey(sourceId, messageId);
      // Only our own claim: had it expired and another request published meanwhile, deleting
      // that request's "done" would let a later resend publish a second time.
      if ((await kv.get(key)) === pending(token)) await kv.del(key);
    },
  };
}
