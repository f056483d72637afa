import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Queryable } from '@cjo/db';
import { findIdentifiersOfProfile, findLinks } from '../store';

const IdentifierType = Type.Union([Type.Literal('userId'), Type.Literal('anonymousId')]);
const Identifier = Type.Object({ type: IdentifierType, value: Type.String() });

const schema = {
  tags: ['identity'],
  summary: 'The profile an identifier belongs to, with every identifier of that profile',
  security: [{ adminToken: [] }],
  params: Type.Object({ type: IdentifierType, value: Type.String({ minLength: 1 }) }),
  response: {
    200: Type.Object({ profileId: Type.String({ format: 'uuid' }), identifiers: Type.Array(Identifier) }),
  },
};

export function registerIdentityRoutes(app: FastifyInstance, deps: { db: Queryable; adminToken: string }): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/identities/:type/:value',
    { schema, preHandler: adminAuth(deps.adminToken) },
    async (request) => {
      const [link] = await findLinks(deps.db, [{ type: request.params.type, value: request.params.value }]);
      if (link === undefined) {
        throw httpError(404, 'not_found', `no profile is linked to ${request.params.type} ${request.params.value}`);
      }
      return { profileId: link.profileId, identifiers: await findIdentifiersOfProfile(deps.db, link.profileId) };
    },
  );
}
