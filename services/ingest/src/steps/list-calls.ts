import type { BatchBody, CallFields } from '../call-schemas';
import type { CallType } from '../calls';

/** What a tracking route received, after its schema admitted it. */
export type IngestPayload = (
  | { kind: 'single'; type: CallType; body: CallFields }
  | { kind: 'batch'; body: BatchBody }
) & {
  /** Size of the (decompressed) body as received, when known; sizes are measured as sent. */
  bodyBytes?: number;
};

type JsonObject = Record<string, unknown>;

/**
 * What a batch says for all its calls: Segment merges its context and integrations into each call
 * (the call's own keys winning) and uses its sentAt where a call has none.
 */
export interface BatchDefaults {
  context?: JsonObject | null;
  integrations?: JsonObject | null;
  sentAt?: string | null;
}

/** One call of a request. */
export interface Call {
  type: CallType;
  /** The call as the client sent it (a batch item before the batch's defaults, which is what its size counts). */
  fields: CallFields;
  /** The batch's defaults, applied when the event is built; null for a single call. */
  defaults: BatchDefaults | null;
  /** How messages name the call: "event 3" inside a batch (0-based, as in the array), null alone. */
  where: string | null;
}

export function listCalls(payload: IngestPayload): Call[] {
  if (payload.kind === 'single') {
    return [{ type: payload.type, fields: payload.body, defaults: null, where: null }];
  }
  const { batch, context, integrations, sentAt } = payload.body;
  // One object for every call: copying each item with the defaults applied cost more than the rest of listing.
  const defaults: BatchDefaults = { context, integrations, sentAt };
  return batch.map((item, index) => ({ type: item.type, fields: item, defaults, where: `event ${index}` }));
}

/** The write key a client put in the body, when it sent one. */
export function bodyWriteKey(payload: IngestPayload): string | undefined {
  return payload.body.writeKey;
}
