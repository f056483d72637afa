import { fromError, ok, type StepResult } from '@cjo/bus';
import { toCjoError, type CjoError } from '@cjo/errors';
import type { ClaimState, DedupeStore } from '../dedupe-store';
import type { KeyedRawEvent } from './build-raw-event';

export interface PublishOnceDeps {
  dedupe: DedupeStore;
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
  /** Markers that could not be set to done: a resend after the claim expires would publish again. */
  unconfirmed: CjoError[];
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

interface Claimer {
  dedupe: DedupeStore;
  sourceId: string;
  token: string;
}

async function releaseAll({ dedupe, sourceId, token }: Claimer, messageIds: string[]): Promise<void> {
  // Best effort: a claim left behind expires after its short TTL, and the retry then publishes.
  await Promise.allSettled(messageIds.map((messageId) => dedupe.release(sourceId, messageId, token)));
}

/** Claims every messageId; on any failure the claims already made are released. */
async function claimAll(claimer: Claimer, messageIds: string[]): Promise<StepResult<Map<string, ClaimState>>> {
  const { dedupe, sourceId, token } = claimer;
  const settled = await Promise.allSettled(
    messageIds.map(async (messageId) => ({ messageId, state: await dedupe.claim(sourceId, messageId, token) })),
  );
  const states = new Map<string, ClaimState>();
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') states.set(outcome.value.messageId, outcome.value.state);
  }
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure === undefined) return ok(states);
  await releaseAll(claimer, [...states].filter(([, state]) => state === 'claimed').map(([id]) => id));
  return fromError(failure.reason);
}

/**
 * Publishes each event whose messageId this source has not published within the window, exactly
 * once: claim ("pending", short TTL), publish, confirm ("done", the window). A failed publish
 * releases the claims, so the client's retry publishes; a crash leaves claims that expire.
 */
export async function publishOnce(
  deps: PublishOnceDeps,
  sourceId: string,
  events: KeyedRawEvent[],
): Promise<StepResult<PublishOutcome>> {
  const { unique, repeats } = firstOccurrences(events);
  const claimable = unique.filter((event) => event.clientMessageId).map((event) => event.event.messageId);
  const claimer: Claimer = { dedupe: deps.dedupe, sourceId, token: deps.newId() };
  const claims = await claimAll(claimer, claimable);
  if (claims.type !== 'ok') return claims;
  const stateOf = (event: KeyedRawEvent) => (event.clientMessageId ? claims.value.get(event.event.messageId) : 'claimed');

  const toPublish = unique.filter((event) => stateOf(event) === 'claimed');
  const claimed = claimable.filter((messageId) => claims.value.get(messageId) === 'claimed');
  const done = claimable.filter((messageId) => claims.value.get(messageId) === 'done').length;
  const inFlight = claimable.filter((messageId) => claims.value.get(messageId) === 'in_flight');

  if (toPublish.length > 0) {
    try {
      await deps.publish(toPublish);
    } catch (err) {
      await releaseAll(claimer, claimed);
      return fromError(err);
    }
  }
  const confirmed = await Promise.allSettled(claimed.map((messageId) => deps.dedupe.confirm(sourceId, messageId)));
  const unconfirmed = confirmed.flatMap((outcome) =>
    outcome.status === 'rejected' ? [toCjoError(outcome.reason, 'dedupe_confirm_failed')] : [],
  );
  return ok({ published: toPublish.length, deduplicated: repeats + done, inFlight, unconfirmed });
}
