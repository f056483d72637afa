import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Db } from '@cjo/db';
import { inTransaction } from '../batch/transaction';
import { identifierHash, normaliseIdentifier } from '../model/identifiers';
import { findSuppression, liftSuppression, listSuppressions, suppress, type Suppression } from '../store/suppression-store';
import { ADMIN_SECURITY, PageQuery, Timestamp, decodeCursor, encodeCursor, iso } from './schemas';

const admin = { tags: ['suppressions'], security: ADMIN_SECURITY };

const IdentifierQuery = {
  identifier: Type.String({ minLength: 1, maxLength: 64, description: 'Identifier type: userId, anonymousId, email, ...' }),
  value: Type.String({ minLength: 1, maxLength: 512 }),
};

const SuppressionSchema = Type.Object({
  hash: Type.String({ description: 'SHA-256 of "type:value" (normalised); the value itself is not kept' }),
  type: Type.String(),
  deletionId: Type.Union([Type.String(), Type.Null()], { description: 'The profile deletion that suppressed it; null when suppressed by hand' }),
  suppressedAt: Timestamp,
});

const schemas = {
  list: {
    ...admin,
    summary: 'Suppressed identifiers (hashes), paged; with identifier and value, only that one (to check it)',
    querystring: Type.Object({ ...PageQuery, identifier: Type.Optional(IdentifierQuery.identifier), value: Type.Optional(IdentifierQuery.value) }),
    response: {
      200: Type.Object({ suppressions: Type.Array(SuppressionSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
      400: ErrorBody,
      401: ErrorBody,
    },
  },
  add: {
    ...admin,
    summary: 'Suppress an identifier by hand: events carrying it are dropped until it is un-suppressed',
    body: Type.Object(IdentifierQuery),
    response: { 201: SuppressionSchema, 200: SuppressionSchema, 400: ErrorBody, 401: ErrorBody },
  },
  lift: {
    ...admin,
    summary:
      'Un-suppress an identifier: events carrying it are accepted again (once every identifier of a deletion is lifted, its profile id too)',
    querystring: Type.Object(IdentifierQuery),
    response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
  },
};

const toJson = (suppression: Suppression) => ({
  hash: suppression.hash,
  type: suppression.type,
  deletionId: suppression.deletionId,
  suppressedAt: iso(suppression.suppressedAt),
});

export function registerSuppressionRoutes(
  scope: FastifyInstance,
  deps: { db: Db; adminToken: string; now: () => number },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const preHandler = adminAuth(deps.adminToken);
  const hashOf = (type: string, value: string) => identifierHash(normaliseIdentifier({ type, value }));

  app.get('/v1/suppressions', { schema: schemas.list, preHandler }, async (request) => {
    const { identifier, value, limit, cursor } = request.query;
    if ((identifier === undefined) !== (value === undefined)) {
      throw httpError(400, 'invalid_request', 'identifier and value go together: give both or neither');
    }
    if (identifier !== undefined && value !== undefined) {
      const found = await findSuppression(deps.db, hashOf(identifier, value));
      return { suppressions: found === null ? [] : [toJson(found)], nextCursor: null };
    }
    const after = decodeCursor(cursor);
    if (after !== null && typeof after !== 'string') throw httpError(400, 'invalid_cursor', 'cursor is not a nextCursor this API returned');
    const rows = await listSuppressions(deps.db, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { suppressions: page.map(toJson), nextCursor: rows.length > page.length && last !== undefined ? encodeCursor(last.hash) : null };
  });

  app.post('/v1/suppressions', { schema: schemas.add, preHandler }, async (request, reply) => {
    const identifier = normaliseIdentifier({ type: request.body.identifier, value: request.body.value });
    const hash = identifierHash(identifier);
    const existing = await findSuppression(deps.db, hash);
    if (existing !== null) return reply.code(200).send(toJson(existing));
    await suppress(deps.db, [{ hash, type: identifier.type }], null, deps.now());
    const created = await findSuppression(deps.db, hash);
    if (created === null) throw new Error('a suppression vanished right after it was written');
    return reply.code(201).send(toJson(created));
  });

  app.delete('/v1/suppressions', { schema: schemas.lift, preHandler }, async (request, reply) => {
    const lifted = await inTransaction(deps.db, (tx) => liftSuppression(tx, hashOf(request.query.identifier, request.query.value)));
    if (!lifted) {
      throw httpError(404, 'not_found', `${request.query.identifier} ${JSON.stringify(request.query.value)} is not suppressed`);
    }
    return reply.code(204).send(null);
  });
}
