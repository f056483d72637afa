import type { Bus, StepResult, TopicCodec } from '@cjo/bus';
import type { CjoError } from '@cjo/errors';
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
  | { statusCode: 400 | 401; code: string; message: string }
  /** `cause` is for the log only: its message may name hosts or SQL. */
  | { statusCode: 500 | 503; code: string; message: string; cause: CjoError; retryAfterSeconds?: number };

/** Seconds a client should wait before resending after the bus (or the database) refused the event. */
export const RETRY_AFTER_SECONDS = 5;

const CLIENT_ERROR_STATUS: Record<string, 400 | 401> = { unauthorized: 401, invalid_event: 400 };

/** The one place where step results become HTTP answers. */
function toReply(result: StepResult<RawEvent>): TrackReply {
  switch (result.type) {
    case 'ok':
      return { statusCode: 200 };
    case 'drop':
      return { statusCode: 400, code: 'invalid_event', message: result.reason };
    case 'retry':
      return {
        statusCode: 503,
        code: result.error.code,
        message: 'the event was not stored because a dependency is unavailable; send it again later',
        cause: result.error,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      };
    case 'dlq': {
      const status = CLIENT_ERROR_STATUS[result.error.code];
      if (status !== undefined) return { statusCode: status, code: result.error.code, message: result.error.message };
      return { statusCode: 500, code: 'internal_error', message: 'internal error', cause: result.error };
    }
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
