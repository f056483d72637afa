import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CjoError } from '@cjo/errors';
import { errorBody } from './http-error';

export type PreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * A preHandler admitting only `Authorization: Bearer <token>`. Hashing both sides first gives
 * equal lengths, so the comparison time reveals neither the token nor its length.
 */
export function adminAuth(token: string): PreHandler {
  if (token === '') throw new CjoError('http_invalid_admin_token', 'the admin token must not be empty');
  const expected = digest(token);

  return async (request, reply) => {
    const header = request.headers.authorization;
    const problem =
      header === undefined
        ? 'missing Authorization header; send "Authorization: Bearer <admin token>"'
        : !/^Bearer /i.test(header)
          ? 'Authorization header must use the Bearer scheme'
          : timingSafeEqual(digest(header.slice('Bearer '.length).trim()), expected)
            ? undefined
            : 'the bearer token is not the admin token';
    if (problem === undefined) return;
    await reply.code(401).header('www-authenticate', 'Bearer').send(errorBody('unauthorized', problem));
  };
}
