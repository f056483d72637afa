import type { FastifyInstance, FastifyReply, FastifyRequest, LogLevel } from 'fastify';
import type { TypeBoxTypeProvider } from '@cjo/http';
import { BatchBodySchema, callBodySchemas, trackingResponses } from '../call-schemas';
import { CALL_TYPES, type CallType } from '../calls';
import { handleIngest, type IngestHandlerDeps } from '../handler';
import { bodyBytesOf } from '../http/body-parsers';
import { clientInfoOf, type TrustProxy } from '../http/client-info';
import { MAX_EVENT_BYTES, MAX_REQUEST_BYTES } from '../limits';
import type { IngestMetrics } from '../metrics';
import type { IngestReply } from '../reply';
import type { IngestPayload } from '../steps/list-calls';

export interface TrackingRouteDeps {
  handler: IngestHandlerDeps;
  metrics: IngestMetrics;
  trust: TrustProxy;
  /** The routes' own log level (fastify's per-route logLevel), access log lines included. */
  logLevel: LogLevel;
}

const BATCH_PATHS = {
  '/v1/batch': 'Send many calls of any type at once (Segment batch)',
  '/v1/import': 'Same as /v1/batch (Segment import, for historical data)',
} as const;

/** Every path the tracking API serves (all POST). */
export const TRACKING_PATHS: readonly string[] = [...CALL_TYPES.map((type) => `/v1/${type}`), ...Object.keys(BATCH_PATHS)];

const SUMMARIES: Record<CallType, string> = {
  track: 'Record an action a user performed (Segment track)',
  identify: 'Tie a user to their traits (Segment identify)',
  page: 'Record a web page view (Segment page)',
  screen: 'Record a mobile screen view (Segment screen)',
  group: 'Associate a user with a group or account (Segment group)',
  alias: 'Merge a previous id into a user id (Segment alias)',
};

const DESCRIPTION =
  'Segment HTTP Tracking API. Authenticate with HTTP Basic, the write key as user name and an empty password, ' +
  `or with "writeKey" in the body. Bodies are JSON (application/json or text/plain), optionally gzip or deflate ` +
  `encoded; at most ${MAX_EVENT_BYTES} bytes per event and ${MAX_REQUEST_BYTES} bytes per request, decompressed. ` +
  '200 means every event is stored (acknowledged by Kafka); a call resent with the same messageId within the ' +
  'dedupe window is answered 200 and stored once. 429 and 503 carry Retry-After: send the same request again.';

const common = {
  tags: ['ingest'],
  description: DESCRIPTION,
  security: [{ writeKey: [] }],
  consumes: ['application/json', 'text/plain'],
  response: trackingResponses,
};

/** The one place where a reply becomes metrics, log lines and the HTTP answer. */
function actOn(request: FastifyRequest, reply: FastifyReply, result: IngestReply, deps: TrackingRouteDeps) {
  const { metrics } = deps;
  if ('tally' in result) {
    for (const type of CALL_TYPES) {
      const events = result.tally.types[type];
      if (events !== undefined) metrics.accepted(type, events);
    }
    metrics.published(result.tally.published);
    metrics.deduplicated(result.tally.deduplicated);
    return reply.send({ success: true as const });
  }
  metrics.rejected(result.code, result.events);
  metrics.published(result.published);
  if (result.cause !== undefined) {
    const level = result.statusCode >= 500 && result.statusCode !== 503 ? 'error' : 'warn';
    request.log[level]({ err: result.cause, code: result.code }, 'events not stored');
  } else {
    request.log.info({ code: result.code, message: result.message }, 'events refused');
  }
  if (result.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(result.retryAfterSeconds));
    // analytics-node waits until this instant (ms since epoch) after a 429.
    if (result.statusCode === 429) {
      reply.header('x-ratelimit-reset', String(deps.handler.now() + result.retryAfterSeconds * 1000));
    }
  }
  return reply.code(result.statusCode).send({ error: { code: result.code, message: result.message } });
}

async function ingest(request: FastifyRequest, reply: FastifyReply, deps: TrackingRouteDeps, payload: IngestPayload) {
  const result = await handleIngest(deps.handler, {
    schemaError: request.validationError?.message,
    authorization: request.headers.authorization,
    client: clientInfoOf(request, deps.trust),
    payload,
  });
  return actOn(request, reply, result, deps);
}

/**
 * POST /v1/{track,identify,page,screen,group,alias}, /v1/batch and /v1/import. Schema errors are
 * attached rather than thrown (attachValidation), so every refusal goes through the handler's reply.
 */
export function registerTrackingRoutes(scope: FastifyInstance, deps: TrackingRouteDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  for (const type of CALL_TYPES) {
    app.post(
      `/v1/${type}`,
      { schema: { ...common, summary: SUMMARIES[type], body: callBodySchemas[type] }, attachValidation: true, logLevel: deps.logLevel },
      (request, reply) =>
        ingest(request, reply, deps, { kind: 'single', type, body: request.body, bodyBytes: bodyBytesOf(request) }),
    );
  }
  for (const [path, summary] of Object.entries(BATCH_PATHS)) {
    app.post(path, { schema: { ...common, summary, body: BatchBodySchema }, attachValidation: true, logLevel: deps.logLevel }, (request, reply) =>
      ingest(request, reply, deps, { kind: 'batch', body: request.body, bodyBytes: bodyBytesOf(request) }),
    );
  }
}
