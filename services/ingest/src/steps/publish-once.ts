import { attempt, fromError, ok, type StepResult } from '@cjo/bus';
import type { Confirmations } from '../confirmations';
import type { ClaimState, DedupeStore } from '../dedupe-store';
import type { KeyedRawEvent } from './build-raw-event';

export interface PublishOnceDeps {
  dedupe: Pick<DedupeStore, 'claim' | 'release'>;
  /** Writes the "done" markers without holding up the answer. */
  confirmations: Pick<Confirmations, 'confirm'>;
  /** A fresh token per request, marking its claims as its own. */
  newId: () => string;
  /** One bus.publish call for all events; resolves once the bus acknowledged every one. */
  publish: (events: KeyedRawEvent[]) => Promise<void>;
}

export interface PublishOutcome {
  published: number;
  /** Repeats inside the request plus events published earlier within the dedupe window. */
  deduplicated: number;
  /** messageIds another request is publishing right now: the client must send them again. */
  inFlight: string[];
}

/** The first event of each messageId, and how many repeats followed it inside the request. */
export function firstOccurrences(events: KeyedRawEvent[]): { unique: KeyedRawEvent[]; repeats: number } {
  const seen = new Set<string>();
  const unique = events.filter((event) => {
    if (seen.has(event.event.messageId)) return false;
    seen.add(event.event.messageId);
    return true;
  });
  return { unique, repeats: events.length - unique.length };
}

/**
 * Publishes each event whose messageId this source has not published within the window, exactly
 * once: claim ("pending", short TTL), publish, confirm ("done", the window; started here, finished
 * after the answer). A failed publish releases the claims, so the client's retry publishes; a
 * crash leaves claims that expire. The Kv is asked twice per request (claim, confirm), whatever
 * the number of events.
 */
export async function publishOnce(
  deps: PublishOnceDeps,
  sourceId: string,
  events: KeyedRawEvent[],
): Promise<StepResult<PublishOutcome>> {
  const { unique, repeats } = firstOccurrences(events);
  const claimable = unique.filter((event) => event.clientMessageId).map((event) => event.event.messageId);
  const { dedupe } = deps;
  const token = deps.newId();
  const claims = claimable.length === 0 ? ok<ClaimState[]>([]) : await attempt(() => dedupe.claim(sourceId, claimable, token));
  if (claims.type !== 'ok') return claims;
  const states = new Map(claimable.map((messageId, index) => [messageId, claims.value[index]]));
  const stateOf = (event: KeyedRawEvent) => (event.clientMessageId ? states.get(event.event.messageId) : 'claimed');

  const toPublish = unique.filter((event) => stateOf(event) === 'claimed');
  const claimed = claimable.filter((messageId) => states.get(messageId) === 'claimed');
  const done = claimable.filter((messageId) => states.get(messageId) === 'done').length;
  const inFlight = claimable.filter((messageId) => states.get(messageId) === 'in_flight');

  if (toPublish.length > 0) {
    try {
      await deps.publish(toPublish);
    } catch (err) {
      // Best effort: a claim left behind expires after its short TTL, and the retry then publishes.
      if (claimed.length > 0) await dedupe.release(sourceId, claimed, token).catch(() => undefined);
      return fromError(err);
    }
  }
  if (claimed.length > 0) deps.confirmations.confirm(sourceId, claimed);
  return ok({ published: toPublish.length, deduplicated: repeats + done, inFlight });
}
