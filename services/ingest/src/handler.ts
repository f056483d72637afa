import type { Confirmations } from './confirmations';
import type { DedupeStore } from './dedupe-store';
import type { RateLimiter } from './rate-limiter';
import { rejectionReply, type IngestReply } from './reply';
import { Rejection } from './rejection';
import { authenticateSource, type SourceLookup } from './steps/authenticate';
import { buildRawEvents, type ClientInfo, type KeyedRawEvent } from './steps/build-raw-event';
import { checkSizes } from './steps/check-sizes';
import type { CallType } from './calls';
import { bodyWriteKey, listCalls, type Call, type IngestPayload } from './steps/list-calls';
import { publishOnce } from './steps/publish-once';

export interface IngestHandlerDeps {
  lookupSource: SourceLookup;
  rateLimiter: RateLimiter;
  dedupe: Pick<DedupeStore, 'claim' | 'release'>;
  confirmations: Pick<Confirmations, 'confirm'>;
  /** Publishes all events in one bus call; resolves once the bus acknowledged them. */
  publish: (events: KeyedRawEvent[]) => Promise<void>;
  now: () => number;
  newId: () => string;
}

export interface IngestRequest {
  /** Why the body did not match the route's schema, when it did not. */
  schemaError: string | undefined;
  authorization: string | undefined;
  client: ClientInfo;
  payload: IngestPayload;
}

function countByType(calls: Call[]): Partial<Record<CallType, number>> {
  const counts: Partial<Record<CallType, number>> = {};
  for (const { type } of calls) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Seconds a client waits before resending events another request is still publishing. */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/**
 * One tracking request, single call or batch: schema → write key → sizes → per-type rules (all or
 * nothing) → rate limit → publish each messageId once. Answers 200 only once every event is on
 * the bus (now or earlier); the route acts on the reply.
 */
export async function handleIngest(deps: IngestHandlerDeps, request: IngestRequest): Promise<IngestReply> {
  const receivedAt = deps.now();
  if (request.schemaError !== undefined) {
    return rejectionReply({ type: 'dlq', error: new Rejection(400, 'invalid_request', request.schemaError) }, 1);
  }
  const calls = listCalls(request.payload);
  const events = calls.length;
  const source = await authenticateSource(deps.lookupSource, request.authorization, bodyWriteKey(request.payload));
  if (source.type !== 'ok') return rejectionReply(source, events);
  const sized = checkSizes(calls, request.payload.bodyBytes);
  if (sized.type !== 'ok') return rejectionReply(sized, events);
  const built = buildRawEvents(sized.value, {
    sourceId: source.value,
    receivedAt,
    newMessageId: deps.newId,
    client: request.client,
  });
  if (built.type !== 'ok') return rejectionReply(built, events);
  const allowed = await deps.rateLimiter.take(source.value, events);
  if (allowed.type !== 'ok') return rejectionReply(allowed, events);

  const stored = await publishOnce(deps, source.value, built.value);
  if (stored.type !== 'ok') return rejectionReply(stored, events);
  const { published, deduplicated, inFlight } = stored.value;
  if (inFlight.length > 0) {
    const inFlightRejection = new Rejection(
      503,
      'duplicate_in_flight',
      `${inFlight.length} event(s) with a messageId (e.g. ${JSON.stringify(inFlight[0])}) are being stored by ` +
        'another request; send the request again: events already stored are not stored twice',
      IN_FLIGHT_RETRY_AFTER_SECONDS,
    );
    return rejectionReply({ type: 'dlq', error: inFlightRejection }, events, published);
  }
  return {
    statusCode: 200,
    tally: { types: countByType(calls), published, deduplicated },
  };
}
