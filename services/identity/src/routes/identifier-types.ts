import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Queryable } from '@cjo/db';
import { TYPE_NAME_PATTERN } from '../identifiers';
import { NORMALISATIONS, PATH_PATTERN, type IdentifierTypeDefinition, type IdentityRules } from '../rules/identity-rules';
import { deleteStoredType, saveStoredType } from '../rules/type-store';
import { admin } from './schemas';

const Normalisation = Type.Union(NORMALISATIONS.map((n) => Type.Literal(n)));

const TypeSchema = Type.Object({
  type: Type.String(),
  paths: Type.Array(Type.String()),
  normalisation: Normalisation,
  maxPerProfile: Type.Integer(),
  source: Type.Union([Type.Literal('builtin'), Type.Literal('config'), Type.Literal('api')]),
});

const TypeParams = Type.Object({ type: Type.String({ pattern: TYPE_NAME_PATTERN }) });

const schemas = {
  list: {
    ...admin,
    summary: 'The identifier types, in precedence order, with the blocked values and the default limit',
    response: {
      200: Type.Object({
        types: Type.Array(TypeSchema),
        blockedValues: Type.Array(Type.String()),
        defaultLimit: Type.Integer(),
      }),
      401: ErrorBody,
    },
  },
  put: {
    ...admin,
    summary: 'Define (or redefine) an identifier type read from event fields, e.g. deviceId from context.device.id',
    description: 'Stored in Postgres; every identity instance uses it within IDENTITY_RULES_REFRESH_MS. Built-in and configured types cannot be changed here.',
    params: TypeParams,
    body: Type.Object(
      {
        paths: Type.Array(Type.String({ pattern: PATH_PATTERN }), { minItems: 1, maxItems: 10, description: 'e.g. context.device.id, traits.crm_id' }),
        normalisation: Type.Optional(Normalisation),
        maxPerProfile: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
      },
      { additionalProperties: false },
    ),
    response: { 200: TypeSchema, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody },
  },
  remove: {
    ...admin,
    summary: 'Stop reading an identifier type defined through the API (identifiers already linked stay in the graph)',
    params: TypeParams,
    response: { 204: Type.Null(), 401: ErrorBody, 404: ErrorBody, 409: ErrorBody },
  },
};

export interface IdentifierTypeRouteDeps {
  db: Queryable;
  adminToken: string;
  rules: () => IdentityRules;
  /** Re-reads the stored types, so this instance applies the change at once. */
  refresh: () => Promise<void>;
}

function notEditable(definition: IdentifierTypeDefinition) {
  const where = definition.source === 'builtin' ? 'built in' : 'defined by IDENTITY_TYPES';
  return httpError(409, 'identifier_type_not_editable', `identifier type ${definition.type} is ${where}; it cannot be changed through the API`);
}

export function registerIdentifierTypeRoutes(scope: FastifyInstance, deps: IdentifierTypeRouteDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const preHandler = adminAuth(deps.adminToken);

  app.get('/v1/identifier-types', { schema: schemas.list, preHandler }, async () => {
    const rules = deps.rules();
    return { types: rules.types.map((t) => ({ ...t, paths: [...t.paths] })), blockedValues: [...rules.blockedValues], defaultLimit: rules.defaultLimit };
  });

  app.put('/v1/identifier-types/:type', { schema: schemas.put, preHandler }, async (request) => {
    const existing = deps.rules().typeOf(request.params.type);
    if (existing !== undefined && existing.source !== 'api') throw notEditable(existing);
    await saveStoredType(deps.db, {
      type: request.params.type,
      paths: request.body.paths,
      normalisation: request.body.normalisation ?? 'none',
      maxPerProfile: request.body.maxPerProfile ?? null,
    });
    await deps.refresh();
    const saved = deps.rules().typeOf(request.params.type);
    if (saved === undefined) throw httpError(409, 'identifier_type_not_saved', `identifier type ${request.params.type} was not stored`);
    return { ...saved, paths: [...saved.paths] };
  });

  app.delete('/v1/identifier-types/:type', { schema: schemas.remove, preHandler }, async (request, reply) => {
    const existing = deps.rules().typeOf(request.params.type);
    if (existing !== undefined && existing.source !== 'api') throw notEditable(existing);
    if (!(await deleteStoredType(deps.db, request.params.type))) {
      throw httpError(404, 'identifier_type_not_found', `there is no identifier type ${request.params.type} defined through the API`);
    }
    await deps.refresh();
    return reply.code(204).send(null);
  });
}
