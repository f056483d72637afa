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

/** One call of a request, with the batch's defaults applied. */
export interface Call {
  type: CallType;
  fields: CallFields;
  /** How messages name the call: "event 3" inside a batch (0-based, as in the array), null alone. */
  where: string | null;
  /** The call as the client sent it (a batch item before the batch's defaults), for its size. */
  sent: object;
}

type JsonObject = Record<string, unknown>;

/** Segment merges the batch's context and integrations into each call, the call's own keys winning. */
function merged(outer: JsonObject | null | undefined, inner: JsonObject | null | undefined): JsonObject | undefined {
  if (outer == null) return inner ?? undefined;
  return { ...outer, ...(inner ?? {}) };
}

export function listCalls(payload: IngestPayload): Call[] {
  if (payload.kind === 'single') {
    return [{ type: payload.type, fields: payload.body, where: null, sent: payload.body }];
  }
  const { batch, context, integrations, sentAt } = payload.body;
  return batch.map((item, index) => ({
    type: item.type,
    fields: {
      ...item,
      context: merged(context, item.context),
      integrations: merged(integrations, item.integrations),
      sentAt: item.sentAt ?? sentAt,
    },
    where: `event ${index}`,
    sent: item,
  }));
}

/** The write key a client put in the body, when it sent one. */
export function bodyWriteKey(payload: IngestPayload): string | undefined {
  return payload.body.writeKey;
}
