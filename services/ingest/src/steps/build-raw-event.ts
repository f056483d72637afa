import { ok, type StepResult } from '@cjo/bus';
import type { RawEvent } from '@cjo/contract';
import type { CallFields } from '../call-schemas';
import type { CallType } from '../calls';
import { invalidEvent } from '../rejection';
import type { BatchDefaults, Call } from './list-calls';

/** Where the request came from, for context.ip and context.userAgent. */
export interface ClientInfo {
  ip: string | undefined;
  userAgent: string | undefined;
}

export interface BuildContext {
  sourceId: string;
  receivedAt: number;
  newMessageId: () => string;
  client?: ClientInfo;
}

export interface KeyedRawEvent {
  key: string;
  event: RawEvent;
  /** False when ingest generated the messageId: such an event cannot be a resend, so it skips dedupe. */
  clientMessageId: boolean;
}

type JsonObject = Record<string, unknown>;

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

interface ClientTimes {
  timestamp: number | null;
  originalTimestamp: number | null;
  sentAt: number | null;
}

type ClientTimeTexts = { [field in keyof ClientTimes]: string | null | undefined };

function parseClientTimes(texts: ClientTimeTexts, where: string | null): StepResult<ClientTimes> {
  const times: ClientTimes = { timestamp: null, originalTimestamp: null, sentAt: null };
  for (const field of ['timestamp', 'originalTimestamp', 'sentAt'] as const) {
    const text = texts[field];
    if (text === undefined || text === null) continue;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return invalidEvent(where, `${field} is not an ISO-8601 date: ${JSON.stringify(text)}`);
    times[field] = ms;
  }
  return ok(times);
}

/**
 * With `sentAt`, the device clock is corrected as Segment does: the event happened
 * (sentAt - deviceTime) before the server received it, deviceTime being originalTimestamp, else
 * timestamp (server SDKs put the call time there). Without sentAt there is nothing to correct by.
 */
export function eventTimes(times: ClientTimes, receivedAt: number): { timestamp: number; originalTimestamp: number | null } {
  const deviceTime = times.originalTimestamp ?? times.timestamp;
  if (times.sentAt !== null && deviceTime !== null) {
    return { timestamp: receivedAt - (times.sentAt - deviceTime), originalTimestamp: deviceTime };
  }
  return { timestamp: times.timestamp ?? times.originalTimestamp ?? receivedAt, originalTimestamp: times.originalTimestamp };
}

/** A batch default under the call's own value, key by key; no copy when there is no default. */
function merged(outer: JsonObject | null | undefined, inner: JsonObject | null | undefined): JsonObject {
  if (outer == null) return inner ?? {};
  return { ...outer, ...(inner ?? {}) };
}

/**
 * The stored context: the batch's context under the call's own, then context.ip and
 * context.userAgent from the request where the SDK sent none (never replacing what it sent).
 */
export function eventContext(outer: JsonObject | null | undefined, inner: JsonObject | null | undefined, client: ClientInfo | undefined): JsonObject {
  const enriched = { ...(outer ?? {}), ...(inner ?? {}) };
  if (enriched.ip == null && client?.ip !== undefined) enriched.ip = client.ip;
  if (enriched.userAgent == null && client?.userAgent !== undefined) enriched.userAgent = client.userAgent;
  return enriched;
}

/** RawEvent has no category field; Segment's destinations read it from the properties too. */
function propertiesOf(type: CallType, fields: CallFields): JsonObject {
  const properties = fields.properties ?? {};
  const category = nonEmpty(fields.category);
  if ((type === 'page' || type === 'screen') && category !== null && !('category' in properties)) {
    return { ...properties, category };
  }
  return properties;
}

interface Identity {
  key: string;
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
}

/** The spec's per-type rules about ids; the partition key is userId, else anonymousId. */
function identityOf(type: CallType, fields: CallFields, where: string | null): StepResult<Identity> {
  const userId = nonEmpty(fields.userId);
  const anonymousId = nonEmpty(fields.anonymousId);
  if (type === 'alias') {
    const previousId = nonEmpty(fields.previousId);
    if (previousId === null) return invalidEvent(where, 'an alias call needs previousId');
    if (userId === null) return invalidEvent(where, 'an alias call needs userId');
    return ok({ key: userId, userId, anonymousId, previousId });
  }
  const key = userId ?? anonymousId;
  if (key === null) return invalidEvent(where, 'either userId or anonymousId is required');
  return ok({ key, userId, anonymousId, previousId: null });
}

function checkTypeRules(type: CallType, fields: CallFields, where: string | null): StepResult<void> {
  if (fields.type !== undefined && fields.type !== type) {
    return invalidEvent(where, `the body says type ${JSON.stringify(fields.type)} but this endpoint takes ${type} calls`);
  }
  if (type === 'track' && nonEmpty(fields.event) === null) return invalidEvent(where, 'a track call needs an event name');
  if (type === 'group' && nonEmpty(fields.groupId) === null) return invalidEvent(where, 'a group call needs groupId');
  return ok(undefined);
}

export function buildRawEvent(call: Call, context: BuildContext): StepResult<KeyedRawEvent> {
  const { type, fields, where } = call;
  const defaults: BatchDefaults = call.defaults ?? {};
  const rules = checkTypeRules(type, fields, where);
  if (rules.type !== 'ok') return rules;
  const identity = identityOf(type, fields, where);
  if (identity.type !== 'ok') return identity;
  const times = parseClientTimes(
    { timestamp: fields.timestamp, originalTimestamp: fields.originalTimestamp, sentAt: fields.sentAt ?? defaults.sentAt },
    where,
  );
  if (times.type !== 'ok') return times;

  const messageId = nonEmpty(fields.messageId);
  return ok({
    key: identity.value.key,
    clientMessageId: messageId !== null,
    event: {
      messageId: messageId ?? context.newMessageId(),
      type,
      sourceId: context.sourceId,
      userId: identity.value.userId,
      anonymousId: identity.value.anonymousId,
      event: type === 'track' ? nonEmpty(fields.event) : null,
      name: type === 'page' || type === 'screen' ? nonEmpty(fields.name) : null,
      previousId: identity.value.previousId,
      groupId: type === 'group' ? nonEmpty(fields.groupId) : null,
      propertiesJson: JSON.stringify(propertiesOf(type, fields)),
      traitsJson: JSON.stringify(fields.traits ?? {}),
      contextJson: JSON.stringify(eventContext(defaults.context, fields.context, context.client)),
      integrationsJson: JSON.stringify(merged(defaults.integrations, fields.integrations)),
      ...eventTimes(times.value, context.receivedAt),
      sentAt: times.value.sentAt,
      receivedAt: context.receivedAt,
    },
  });
}

/** All or nothing: the first invalid call refuses the whole request, so nothing of it is published. */
export function buildRawEvents(calls: Call[], context: BuildContext): StepResult<KeyedRawEvent[]> {
  const events: KeyedRawEvent[] = [];
  for (const call of calls) {
    const built = buildRawEvent(call, context);
    if (built.type !== 'ok') return built;
    events.push(built.value);
  }
  return ok(events);
}
