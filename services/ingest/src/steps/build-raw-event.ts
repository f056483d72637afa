import { CjoError } from '@cjo/errors';
import { dlq, ok, type StepResult } from '@cjo/bus';
import type { RawEvent } from '@cjo/contract';

/** The Segment HTTP Tracking API `track` body, as the route schema admits it. */
export interface TrackRequest {
  userId?: string;
  anonymousId?: string;
  event: string;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
  timestamp?: string;
  originalTimestamp?: string;
  sentAt?: string;
  messageId?: string;
}

export interface BuildContext {
  sourceId: string;
  receivedAt: number;
  newMessageId: () => string;
}

export interface KeyedRawEvent {
  key: string;
  event: RawEvent;
}

function invalid(message: string): StepResult<never> {
  return dlq(new CjoError('invalid_event', message));
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

interface ClientTimes {
  timestamp: number | null;
  originalTimestamp: number | null;
  sentAt: number | null;
}

function parseClientTimes(request: TrackRequest): StepResult<ClientTimes> {
  const times: ClientTimes = { timestamp: null, originalTimestamp: null, sentAt: null };
  for (const field of ['timestamp', 'originalTimestamp', 'sentAt'] as const) {
    const text = request[field];
    if (text === undefined) continue;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return invalid(`${field} is not an ISO-8601 date: ${JSON.stringify(text)}`);
    times[field] = ms;
  }
  return ok(times);
}

/**
 * Without an explicit `timestamp`, Segment corrects the device clock by the
 * offset between `sentAt` (device clock) and `receivedAt` (server clock); we do the same.
 */
function eventTime({ timestamp, originalTimestamp, sentAt }: ClientTimes, receivedAt: number): number {
  if (timestamp !== null) return timestamp;
  if (originalTimestamp !== null && sentAt !== null) return receivedAt - (sentAt - originalTimestamp);
  return originalTimestamp ?? receivedAt;
}

export function buildTrackEvent(request: TrackRequest, context: BuildContext): StepResult<KeyedRawEvent> {
  const userId = nonEmpty(request.userId);
  const anonymousId = nonEmpty(request.anonymousId);
  const key = userId ?? anonymousId;
  if (key === null) return invalid('either userId or anonymousId is required');

  const times = parseClientTimes(request);
  if (times.type !== 'ok') return times;
  const { timestamp, originalTimestamp, sentAt } = times.value;

  return ok({
    key,
    event: {
      messageId: nonEmpty(request.messageId) ?? context.newMessageId(),
      type: 'track',
      sourceId: context.sourceId,
      userId,
      anonymousId,
      event: request.event,
      name: null,
      previousId: null,
      groupId: null,
      propertiesJson: JSON.stringify(request.properties ?? {}),
      traitsJson: '{}',
      contextJson: JSON.stringify(request.context ?? {}),
      integrationsJson: JSON.stringify(request.integrations ?? {}),
      timestamp: eventTime(times.value, context.receivedAt),
      originalTimestamp,
      sentAt,
      receivedAt: context.receivedAt,
    },
  });
}
