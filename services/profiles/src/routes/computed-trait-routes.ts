import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Db } from '@cjo/db';
import type { DefinitionsAdmin } from '../admin/definitions-admin';
import { AGGREGATE_FUNCTIONS } from '../model/aggregate';
import { isPlainObject } from '../model/json-values';
import { findComputedTrait, type ComputedTraitRow } from '../store/definitions-store';
import { ADMIN_SECURITY, Timestamp, Uuid, iso } from './schemas';

const admin = { tags: ['computed traits'], security: ADMIN_SECURITY };
const Params = Type.Object({ id: Uuid });
const AllowUnknown = Type.Object({
  allowUnknown: Type.Boolean({ default: false, description: 'Accept an event or property not seen in the data yet' }),
});

const Filter = Type.Object(
  { property: Type.String({ minLength: 1 }), op: Type.String(), value: Type.Optional(Type.Unknown()) },
  { description: 'Only events whose property passes the test count' },
);

const Definition = {
  function: Type.Union(AGGREGATE_FUNCTIONS.map((name) => Type.Literal(name)), {
    description: 'count | sum | min | max | avg (of a numeric property) | first | last (of a property, or when the event happened)',
  }),
  event: Type.String({ minLength: 1, maxLength: 512, description: 'A track event name, or $page, $screen, $identify, $group, $alias, $any' }),
  property: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'The event property aggregated (dots reach into objects)' })),
  where: Type.Optional(Type.Array(Filter, { description: 'Property conditions an event must pass to count' })),
  window: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}[smhdw]$', description: 'Sliding window (e.g. 30d); all time when left out' })),
};

const Body = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'The name profiles show it under' }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  ...Definition,
});

const TraitSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  function: Type.String(),
  event: Type.String(),
  property: Type.Union([Type.String(), Type.Null()]),
  where: Type.Array(Type.Object({ property: Type.String(), op: Type.String(), value: Type.Optional(Type.Unknown()) })),
  window: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const schemas = {
  create: {
    ...admin,
    summary: 'Define a computed trait: an aggregate of an event or event property, over all time or a sliding window',
    querystring: AllowUnknown,
    body: Body,
    response: { 201: TraitSchema, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody },
  },
  list: { ...admin, summary: 'List computed traits', response: { 200: Type.Object({ computedTraits: Type.Array(TraitSchema) }), 401: ErrorBody } },
  get: { ...admin, summary: 'A computed trait', params: Params, response: { 200: TraitSchema, 401: ErrorBody, 404: ErrorBody } },
  update: {
    ...admin,
    summary: 'Replace a computed trait; segments using it get a new version, re-evaluated in the background',
    params: Params,
    querystring: AllowUnknown,
    body: Body,
    response: { 200: TraitSchema, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody },
  },
  remove: {
    ...admin,
    summary: 'Delete a computed trait (409 while a segment uses it)',
    params: Params,
    response: { 204: Type.Null(), 401: ErrorBody, 404: ErrorBody, 409: ErrorBody },
  },
};

function traitJson(trait: ComputedTraitRow) {
  const definition = trait.definition;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    id: trait.id,
    name: trait.name,
    description: trait.description,
    function: text(definition.function) ?? '',
    event: text(definition.event) ?? '',
    property: text(definition.property),
    where: Array.isArray(definition.where)
      ? definition.where.filter(isPlainObject).map((filter) => ({
          property: text(filter.property) ?? '',
          op: text(filter.op) ?? '',
          ...('value' in filter ? { value: filter.value } : {}),
        }))
      : [],
    window: text(definition.window),
    version: trait.version,
    createdAt: iso(trait.createdAt),
    updatedAt: iso(trait.updatedAt),
  };
}

export function registerComputedTraitRoutes(scope: FastifyInstance, deps: { db: Db; admin: DefinitionsAdmin; adminToken: string }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const preHandler = adminAuth(deps.adminToken);

  app.post('/v1/computed-traits', { schema: schemas.create, preHandler }, async (request, reply) =>
    reply.code(201).send(traitJson(await deps.admin.saveComputedTrait(null, request.body, request.query.allowUnknown))),
  );

  app.get('/v1/computed-traits', { schema: schemas.list, preHandler }, async () => ({
    computedTraits: (await deps.admin.listComputedTraits()).map(traitJson),
  }));

  app.get('/v1/computed-traits/:id', { schema: schemas.get, preHandler }, async (request) => {
    const trait = await findComputedTrait(deps.db, request.params.id);
    if (trait === null) throw httpError(404, 'not_found', `computed trait ${request.params.id} does not exist`);
    return traitJson(trait);
  });

  app.put('/v1/computed-traits/:id', { schema: schemas.update, preHandler }, async (request) =>
    traitJson(await deps.admin.saveComputedTrait(request.params.id, request.body, request.query.allowUnknown)),
  );

  app.delete('/v1/computed-traits/:id', { schema: schemas.remove, preHandler }, async (request, reply) => {
    await deps.admin.deleteComputedTrait(request.params.id);
    return reply.code(204).send(null);
  });
}
