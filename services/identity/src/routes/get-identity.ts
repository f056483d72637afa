import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Queryable } from '@cjo/db';
import { TYPE_NAME_PATTERN, type Identifier } from '../identifiers';
import { identifiersOf, profileIdOf } from '../graph/graph-queries';
import type { IdentityRules } from '../rules/identity-rules';
import { normalise } from '../rules/normalise';
import { admin, iso, LinkedIdentifierSchema } from './schemas';

const schema = {
  ...admin,
  summary: 'The profile an identifier belongs to, with every identifier of that profile',
  description: 'The value is normalised as the type says before the lookup (emails lower-cased, phones to E.164).',
  params: Type.Object({ type: Type.String({ pattern: TYPE_NAME_PATTERN }), value: Type.String({ minLength: 1, maxLength: 512 }) }),
  response: {
    200: Type.Object({ profileId: Type.String({ format: 'uuid' }), identifiers: Type.Array(LinkedIdentifierSchema) }),
    400: ErrorBody,
    401: ErrorBody,
    404: ErrorBody,
  },
};

/** An identifier given by an admin, normalised like the events' ones; 400 for a type identity does not know. */
export function parseIdentifier(rules: IdentityRules, type: string, value: string): Identifier {
  const definition = rules.typeOf(type);
  if (definition === undefined) {
    throw httpError(400, 'unknown_identifier_type', `unknown identifier type ${type}; known: ${rules.types.map((t) => t.type).join(', ')}`);
  }
  return { type, value: normalise(value, definition.normalisation, rules.phoneCountry) };
}

export function registerIdentityRoutes(scope: FastifyInstance, deps: { db: Queryable; adminToken: string; rules: () => IdentityRules }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/v1/identities/:type/:value', { schema, preHandler: adminAuth(deps.adminToken) }, async (request) => {
    const identifier = parseIdentifier(deps.rules(), request.params.type, request.params.value);
    const profileId = await profileIdOf(deps.db, identifier);
    if (profileId === null) {
      throw httpError(404, 'not_found', `no profile is linked to ${identifier.type} ${identifier.value}`);
    }
    const identifiers = await identifiersOf(deps.db, profileId);
    return { profileId, identifiers: identifiers.map((i) => ({ ...i, linkedAt: iso(i.linkedAt) })) };
  });
}
