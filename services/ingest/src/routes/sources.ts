import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Queryable } from '@cjo/db';
import type { Logger } from '@cjo/log';
import { hashWriteKey } from '../steps/authenticate';
import { disableSource, insertSource, listSources, replaceWriteKeyHash, type SourceSummary } from '../store';
import { newWriteKey } from '../write-key';

const SourceSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  disabled: Type.Boolean(),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const WithWriteKey = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), writeKey: Type.String() });
const SourceParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const admin = { tags: ['ingest'], security: [{ adminToken: [] }] };

const schemas = {
  create: {
    ...admin,
    summary: 'Create an event source; the answer holds its write key, which is shown only this once',
    body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
    response: { 201: WithWriteKey, 401: ErrorBody },
  },
  list: {
    ...admin,
    summary: 'List the event sources (never their write keys)',
    response: { 200: Type.Object({ sources: Type.Array(SourceSchema) }), 401: ErrorBody },
  },
  rotate: {
    ...admin,
    summary: 'Give a source a new write key; the old key stops working at once',
    params: SourceParams,
    response: { 200: WithWriteKey, 401: ErrorBody, 404: ErrorBody },
  },
  disable: {
    ...admin,
    summary: 'Disable a source: its write key is refused (403 source_disabled) from now on',
    params: SourceParams,
    response: { 200: SourceSchema, 401: ErrorBody, 404: ErrorBody },
  },
};

export interface SourceRouteDeps {
  db: Queryable;
  logger: Logger;
  adminToken: string;
  now: () => number;
  newId: () => string;
  /** Drops the cached lookup of a write key hash that no longer authenticates as before. */
  invalidateKey: (writeKeyHash: string) => Promise<void>;
}

function toJson(source: SourceSummary) {
  return {
    id: source.id,
    name: source.name,
    createdAt: new Date(source.createdAt).toISOString(),
    disabled: source.disabledAt !== null,
    disabledAt: source.disabledAt === null ? null : new Date(source.disabledAt).toISOString(),
  };
}

const notFound = (id: string) => httpError(404, 'source_not_found', `there is no source ${id}`);

/** The admin API of sources: create, list, rotate a key, disable. */
export function registerSourceRoutes(scope: FastifyInstance, deps: SourceRouteDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const preHandler = adminAuth(deps.adminToken);

  app.post('/v1/sources', { schema: schemas.create, preHandler }, async (request, reply) => {
    const id = deps.newId();
    const writeKey = newWriteKey();
    await insertSource(deps.db, { id, name: request.body.name, writeKeyHash: hashWriteKey(writeKey), createdAt: deps.now() });
    deps.logger.info({ sourceId: id, name: request.body.name }, 'source created');
    return reply.code(201).send({ id, name: request.body.name, writeKey });
  });

  app.get('/v1/sources', { schema: schemas.list, preHandler }, async () => ({
    sources: (await listSources(deps.db)).map(toJson),
  }));

  app.post('/v1/sources/:id/rotate-key', { schema: schemas.rotate, preHandler }, async (request) => {
    const writeKey = newWriteKey();
    const rotated = await replaceWriteKeyHash(deps.db, request.params.id, hashWriteKey(writeKey));
    if (rotated === null) throw notFound(request.params.id);
    // The old key must stop working now, not when its cache entry expires.
    await deps.invalidateKey(rotated.oldHash);
    deps.logger.info({ sourceId: rotated.source.id }, 'write key rotated');
    return { id: rotated.source.id, name: rotated.source.name, writeKey };
  });

  app.post('/v1/sources/:id/disable', { schema: schemas.disable, preHandler }, async (request) => {
    const disabled = await disableSource(deps.db, request.params.id, deps.now());
    if (disabled === null) throw notFound(request.params.id);
    await deps.invalidateKey(disabled.writeKeyHash);
    deps.logger.info({ sourceId: disabled.source.id }, 'source disabled');
    return toJson(disabled.source);
  });
}
