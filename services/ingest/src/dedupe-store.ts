import type { Kv } from '@cjo/kv';

/**
 * claimed: this request may publish the event. done: it was published within the dedupe window.
 * in_flight: another request claimed it and has not finished (or crashed: the claim then expires).
 */
export type ClaimState = 'claimed' | 'done' | 'in_flight';

/**
 * Two-phase markers per (source, messageId): a short "pending" claim, then a long "done". A claim
 * carries the claiming request's token, so a request only ever releases its own claim. Each call
 * takes all the messageIds of a request: one Kv round trip whatever their number.
 */
export interface DedupeStore {
  /** One state per messageId, in order; the messageIds must be distinct. */
  claim(sourceId: string, messageIds: string[], token: string): Promise<ClaimState[]>;
  /** The events are on the topic: remember them for the whole window. */
  confirm(sourceId: string, messageIds: string[]): Promise<void>;
  /** Publishing failed: let the client's retry claim them again at once. */
  release(sourceId: string, messageIds: string[], token: string): Promise<void>;
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
  const entries = (sourceId: string, messageIds: string[], value: string) =>
    messageIds.map((messageId) => ({ key: dedupeKey(sourceId, messageId), value }));
  return {
    async claim(sourceId, messageIds, token) {
      // Set-if-absent is atomic per key: of two requests racing for a messageId, exactly one claims it.
      const held = await kv.setIfAbsentMany(entries(sourceId, messageIds, pending(token)), { ttlMs: times.pendingTtlMs });
      return held.map((value): ClaimState => (value === null ? 'claimed' : value === DONE ? 'done' : 'in_flight'));
    },
    async confirm(sourceId, messageIds) {
      await kv.setMany(entries(sourceId, messageIds, DONE), { ttlMs: times.doneTtlMs });
    },
    async release(sourceId, messageIds, token) {
      // Only our own claims: had one expired and another request published meanwhile, deleting
      // that request's "done" would let a later resend publish a second time.
      await kv.deleteIfValue(entries(sourceId, messageIds, pending(token)));
    },
  };
}
