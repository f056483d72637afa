import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, type TypeBoxTypeProvider } from '@cjo/http';
import type { Queryable } from '@cjo/db';
import type { Logger } from '@cjo/log';
import { newWriteKey } from '../write-key';
import { hashWriteKey } from '../steps/authenticate';
import { insertSource } from '../store';

const schema = {
  tags: ['ingest'],
  summary: 'Create an event source; the answer holds its write key, which is shown only this once',
  security: [{ adminToken: [] }],
  body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
  response: {
    201: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), writeKey: Type.String() }),
  },
};

export interface SourceRouteDeps {
  db: Queryable;
  logger: Logger;
  adminToken: string;
  now: () => number;
  newId: () => string;
}

export function registerSourceRoutes(app: FastifyInstance, deps: SourceRouteDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/sources',
    { schema, preHandler: adminAuth(deps.adminToken) },
    async (request, reply) => {
      const id = deps.newId();
      const writeKey = newWriteKey();
      await insertSource(deps.db, {
        id,
        name: request.body.name,
        writeKeyHash: hashWriteKey(writeKey),
        createdAt: deps.now(),
      });
      deps.logger.info({ sourceId: id, name: request.body.name }, 'source created');
      return reply.code(201).send({ id, name: request.body.name, writeKey });
    },
  );
}
