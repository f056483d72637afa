import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Db } from '@cjo/db';
import { groupView } from '../store/groups-store';
import { ADMIN_SECURITY, JsonObjectSchema, Timestamp, iso } from './schemas';

const schema = {
  tags: ['profiles'],
  security: ADMIN_SECURITY,
  summary: 'A group (account) from group calls: its traits and how many profiles belong to it',
  params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 512 }) }),
  response: {
    200: Type.Object({ id: Type.String(), traits: JsonObjectSchema, firstSeen: Timestamp, lastSeen: Timestamp, memberCount: Type.Integer() }),
    401: ErrorBody,
    404: ErrorBody,
  },
};

export function registerGroupRoutes(scope: FastifyInstance, deps: { db: Db; adminToken: string }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/v1/groups/:id', { schema, preHandler: adminAuth(deps.adminToken) }, async (request) => {
    const group = await groupView(deps.db, request.params.id);
    if (group === null) throw httpError(404, 'not_found', `group ${request.params.id} does not exist`);
    return { id: group.id, traits: group.traits, firstSeen: iso(group.firstSeen), lastSeen: iso(group.lastSeen), memberCount: group.memberCount };
  });
}
