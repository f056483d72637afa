import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBodySchema as ErrorBody, type TypeBoxTypeProvider } from '@cjo/http';
import { handleTrack, type TrackHandlerDeps } from '../handler';

const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** The Segment HTTP Tracking API `track` call; unknown top-level fields are tolerated as Segment does. */
const schema = {
  tags: ['ingest'],
  summary: 'Record a track event (Segment HTTP Tracking API); authenticate with HTTP Basic, the write key as user name',
  security: [{ writeKey: [] }],
  body: Type.Object(
    {
      userId: Type.Optional(Type.String({ maxLength: 512 })),
      anonymousId: Type.Optional(Type.String({ maxLength: 512 })),
      event: Type.String({ minLength: 1, maxLength: 512 }),
      properties: Type.Optional(JsonObject),
      context: Type.Optional(JsonObject),
      integrations: Type.Optional(JsonObject),
      timestamp: Type.Optional(Type.String()),
      originalTimestamp: Type.Optional(Type.String()),
      sentAt: Type.Optional(Type.String()),
      messageId: Type.Optional(Type.String({ maxLength: 512 })),
    },
    { additionalProperties: true },
  ),
  response: {
    200: Type.Object({ success: Type.Literal(true) }),
    400: ErrorBody,
    401: ErrorBody,
    500: ErrorBody,
    503: ErrorBody,
  },
};

export function registerTrackRoute(app: FastifyInstance, deps: TrackHandlerDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/track', { schema }, async (request, reply) => {
    const result = await handleTrack(deps, request.headers.authorization, request.body);
    if (result.statusCode === 200) return { success: true as const };
    if ('cause' in result) {
      request.log.warn({ err: result.cause }, 'track event not stored');
      if (result.retryAfterSeconds !== undefined) reply.header('retry-after', String(result.retryAfterSeconds));
    }
    return reply.code(result.statusCode).send({ error: { code: result.code, message: result.message } });
  });
}
