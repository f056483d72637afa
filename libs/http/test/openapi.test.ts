import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '../src';
import { appFactory } from './helpers';

const buildApp = appFactory();

async function journeyRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/journeys/:id',
    {
      schema: {
        tags: ['journeys'],
        summary: 'Read a journey',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Object({ id: Type.String(), name: Type.String() }) },
      },
    },
    async (request) => ({ id: request.params.id, name: 'welcome' }),
  );
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { tags?: string[]; summary?: string; parameters?: Array<{ name: string }> }>>;
}

describe('OpenAPI', () => {
  it('documents routes registered with TypeBox schemas at /openapi.json', async () => {
    const app = await buildApp({ serviceName: 'journeys' }, (a) => void a.register(journeyRoutes));
    const response = await app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<OpenApiDocument>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('journeys');
    const operation = doc.paths['/v1/journeys/{id}']?.['get'];
    expect(operation).toMatchObject({ tags: ['journeys'], summary: 'Read a journey' });
    expect(operation?.parameters?.map((p) => p.name)).toEqual(['id']);
    expect(doc.paths['/health/live']).toBeDefined();
    expect(doc.paths['/metrics']).toBeUndefined();
  });

  it('serves the documentation UI at /docs', async () => {
    const app = await buildApp();
    const response = await app.inject({ url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
