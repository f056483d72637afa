import type { Bus, StepResult, TopicCodec } from '@cjo/bus';
import type { RawEvent } from '@cjo/contract';
import { authenticateSource, type SourceLookup } from './steps/authenticate';
import { buildTrackEvent, type TrackRequest } from './steps/build-raw-event';
import { publishRawEvent } from './steps/publish-raw-event';

export interface TrackHandlerDeps {
  bus: Bus;
  codec: TopicCodec<RawEvent>;
  lookupSource: SourceLookup;
  now: () => number;
  newId: () => string;
}

export type TrackReply =
  | { statusCode: 200 }
  | { statusCode: 400 | 401 | 500 | 503; code: string; message: string; retryAfterSeconds?: number };

/** Seconds a client should wait before resending after the bus refused the event. */
export const BUS_RETRY_AFTER_SECONDS = 5;

const STATUS_BY_CODE: Record<string, 400 | 401> = { unauthorized: 401, invalid_event: 400 };

/** The one place where step results become HTTP answers. */
function toReply(result: StepResult<RawEvent>): TrackReply {
  switch (result.type) {
    case 'ok':
      return { statusCode: 200 };
    case 'retry':
      return {
        statusCode: 503,
        code: result.error.code,
        message: result.error.message,
        retryAfterSeconds: BUS_RETRY_AFTER_SECONDS,
      };
    case 'dlq':
      return { statusCode: STATUS_BY_CODE[result.error.code] ?? 500, code: result.error.code, message: result.error.message };
    case 'drop':
      return { statusCode: 400, code: 'invalid_event', message: result.reason };
  }
}

export async function handleTrack(
  deps: TrackHandlerDeps,
  authorization: string | undefined,
  request: TrackRequest,
): Promise<TrackReply> {
  const receivedAt = deps.now();
  const source = await authenticateSource(deps.lookupSource, authorization);
  if (source.type !== 'ok') return toReply(source);
  const built = buildTrackEvent(request, { sourceId: source.value, receivedAt, newMessageId: deps.newId });
  if (built.type !== 'ok') return toReply(built);
  return toReply(await publishRawEvent(deps.bus, deps.codec, built.value));
}
