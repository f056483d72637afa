import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => boolean | Promise<boolean>;

const StatusSchema = Type.Object({ status: Type.String() });

export function installHealthRoutes(app: FastifyInstance, isReady: ReadinessCheck): void {
  app.get(
    '/health/live',
    { schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: StatusSchema } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness: dependencies are reachable and consumers started',
        response: { 200: StatusSchema, 503: StatusSchema },
      },
    },
    async (request, reply) => {
      let ready = false;
      try {
        ready = await isReady();
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
      }
      return ready ? { status: 'ok' } : reply.code(503).send({ status: 'not_ready' });
    },
  );
}
