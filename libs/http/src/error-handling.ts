import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CjoError } from '@cjo/errors';
import { errorBody, HttpError } from './http-error';

/** Fastify's own errors that clients cause, by fastify code. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

/** Fallback codes for other client errors fastify raises with a status. */
const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

interface Answer {
  status: number;
  code: string;
  message: string;
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

function answerFor(err: unknown): Answer | undefined {
  if (err instanceof HttpError) return { status: err.statusCode, code: err.code, message: err.message };
  // Thrown CjoErrors carry internal detail (hosts, SQL), so clients get a generic message.
  if (err instanceof CjoError) {
    return err.retriable
      ? { status: 503, code: 'unavailable', message: 'a dependency is unavailable; retry later' }
      : undefined;
  }
  if (!isFastifyError(err)) return undefined;
  if (err.validation !== undefined) return { status: 400, code: 'invalid_request', message: err.message };
  const status = err.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  return { status, code: FASTIFY_CODES[err.code] ?? STATUS_CODES[status] ?? 'bad_request', message: err.message };
}

/** Every error leaves as `{ error: { code, message } }`; unexpected ones as a 500 without details. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const answer = answerFor(err);
    if (answer === undefined) {
      request.log.error({ err }, 'request failed');
      return reply.code(500).send(errorBody('internal_error', 'internal error'));
    }
    if (answer.status >= 500) request.log.warn({ err }, 'request failed: dependency unavailable');
    else request.log.info({ code: answer.code, message: answer.message }, 'request rejected');
    return reply.code(answer.status).send(errorBody(answer.code, answer.message));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `route ${request.method} ${request.url.split('?')[0]} not found`)),
  );
}
