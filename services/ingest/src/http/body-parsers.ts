import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '@cjo/http';
import { parseJsonBody } from './parse-json';
import { readBody } from './read-body';

declare module 'fastify' {
  interface FastifyRequest {
    /** Size of the body after decompression, set by the tracking body parser. */
    cjoBodyBytes: number | undefined;
  }
}

/** The size of the request's body after decompression, as the parser read it; undefined when no body was parsed. */
export function bodyBytesOf(request: FastifyRequest): number | undefined {
  return request.cjoBodyBytes;
}

/**
 * JSON bodies, also under text/plain (what navigator.sendBeacon sends to avoid a CORS preflight),
 * gzip- or deflate-compressed or not, within `limit` bytes before and after decompression.
 * Call on an encapsulated instance: it replaces that instance's parsers only.
 */
export function installBodyParsers(scope: FastifyInstance, limit: number): void {
  scope.decorateRequest('cjoBodyBytes', undefined);
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(['application/json', 'text/plain'], async (request: FastifyRequest, payload: IncomingMessage) => {
    const body = await readBody(payload, request.headers, limit);
    request.cjoBodyBytes = body.length;
    return parseJsonBody(body);
  });
  scope.addContentTypeParser('*', async (request: FastifyRequest) => {
    const type = request.headers['content-type'];
    throw new HttpError(
      415,
      'unsupported_media_type',
      `${type === undefined ? 'a body without Content-Type' : `Content-Type ${JSON.stringify(type)}`} is not accepted; send application/json or text/plain holding JSON`,
    );
  });
}
