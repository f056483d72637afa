import type { StepResult } from '@cjo/bus';
import type { CjoError } from '@cjo/errors';
import type { CallType } from './calls';
import { Rejection } from './rejection';

/** What a request did, for the metrics; `types` counts the events of a request answered 200 by call type. */
export interface Tally {
  types: Partial<Record<CallType, number>>;
  published: number;
  deduplicated: number;
}

export interface AcceptedReply {
  statusCode: 200;
  tally: Tally;
}

export interface RejectedReply {
  statusCode: number;
  code: string;
  message: string;
  /** Events in the refused request (1 when the body could not be read as calls). */
  events: number;
  /** Records published anyway: a 503 for an in-flight duplicate still stores the other events. */
  published: number;
  retryAfterSeconds?: number;
  /** For the log only: its message may name hosts or SQL. */
  cause?: CjoError;
}

export type IngestReply = AcceptedReply | RejectedReply;

/** Seconds a client should wait before resending after the bus, Redis or the database failed. */
export const RETRY_AFTER_SECONDS = 5;

/** The one place where a failed step becomes an HTTP answer. */
export function rejectionReply(
  result: Exclude<StepResult<unknown>, { type: 'ok' }>,
  events: number,
  published = 0,
): RejectedReply {
  switch (result.type) {
    case 'drop':
      return { statusCode: 400, code: 'invalid_event', message: result.reason, events, published };
    case 'retry':
      return {
        statusCode: 503,
        code: result.error.code,
        message: 'the events were not stored because a dependency is unavailable; send them again later',
        events,
        published,
        cause: result.error,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      };
    case 'dlq': {
      const error = result.error;
      if (error instanceof Rejection) {
        return {
          statusCode: error.statusCode,
          code: error.code,
          message: error.message,
          events,
          published,
          ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
        };
      }
      return { statusCode: 500, code: 'internal_error', message: 'internal error', events, published, cause: error };
    }
  }
}
