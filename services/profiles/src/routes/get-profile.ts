import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Queryable } from '@cjo/db';
import { findProfile } from '../store';

const schema = {
  tags: ['profiles'],
  summary: 'A profile: its merged traits, how many events it has and when it was first and last seen',
  security: [{ adminToken: [] }],
  params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
  response: {
    200: Type.Object({
      id: Type.String({ format: 'uuid' }),
      traits: Type.Record(Type.String(), Type.Unknown()),
      eventCount: Type.Integer({ minimum: 0 }),
      firstSeen: Type.String({ format: 'date-time' }),
      lastSeen: Type.String({ format: 'date-time' }),
    }),
  },
};

export function registerProfileRoutes(app: FastifyInstance, deps: { db: Queryable; adminToken: string }): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/profiles/:id',
    { schema, preHandler: adminAuth(deps.adminToken) },
    async (request) => {
      const profile = await findProfile(deps.db, request.params.id);
      if (profile === null) throw httpError(404, 'not_found', `profile ${request.params.id} does not exist`);
      return {
        id: profile.id,
        traits: profile.traits,
        eventCount: profile.eventCount,
        firstSeen: profile.firstSeen.toISOString(),
        lastSeen: profile.lastSeen.toISOString(),
      };
    },
  );
}
