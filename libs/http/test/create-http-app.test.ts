import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { CjoError } from '@cjo/errors';
import { httpError, metricsRegistryOf, type TypeBoxTypeProvider } from '../src';
import { appFactory } from './helpers';

const buildApp = appFactory();

const CreateUser = Type.Object({ name: Type.String({ minLength: 1 }), age: Type.Integer({ minimum: 0 }) });

/** A service's routes, written the way services write them: a plain fastify plugin. */
async function userRoutes(app: FastifyInstance): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.post(
    '/v1/users',
    { schema: { tags: ['users'], summary: 'Create a user', body: CreateUser, response: { 201: CreateUser } } },
    async (request, reply) => reply.code(201).send({ name: request.body.name, age: request.body.age }),
  );
  typed.get('/v1/missing', async () => {
    throw httpError(404, 'user_not_found', 'no user 42');
  });
  typed.get('/v1/boom', async () => {
    throw new Error('secret internals at /srv/db');
  });
  typed.get('/v1/down', async () => {
    throw new CjoError('db_unavailable', 'connect ECONNREFUSED 10.0.0.5:5432', { retriable: true });
  });
}

describe('createHttpApp', () => {
  it('answers liveness and readiness', async () => {
    let ready = false;
    const app = await buildApp({ isReady: () => ready });
    expect((await app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const notReady = await app.inject({ url: '/health/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'not_ready' });
    ready = true;
    const nowReady = await app.inject({ url: '/health/ready' });
    expect(nowReady.statusCode).toBe(200);
    expect(nowReady.json()).toEqual({ status: 'ok' });
  });

  it('treats a throwing readiness check as not ready', async () => {
    const app = await buildApp({
      isReady: async () => {
        throw new Error('redis down');
      },
    });
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(503);
  });

  it('serves Prometheus metrics from its own registry, with request durations', async () => {
    const app = await buildApp({}, (a) => void a.register(userRoutes));
    const other = await buildApp();
    const counter = new Counter({ name: 'cjo_test_things_total', help: 'things', registers: [metricsRegistryOf(app)] });
    counter.inc(3);
    await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'ada', age: 36 } });

    const response = await app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('process_cpu_user_seconds_total');
    expect(response.body).toContain('cjo_test_things_total{service="test-service"} 3');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{service="test-service",method="POST",route="\/v1\/users",status="201"\} 1/,
    );
    expect((await other.inject({ url: '/metrics' })).body).not.toContain('cjo_test_things_total');
  });

  it('answers validation failures with 400 invalid_request naming every bad field', async () => {
    const app = await buildApp({}, (a) => void a.register(userRoutes));
    const response = await app.inject({ method: 'POST', url: '/v1/users', payload: { name: '', age: 'old' } });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('body/name');
    expect(body.error.message).toContain('body/age');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const app = await buildApp({}, (a) => void a.register(userRoutes));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "ada",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('answers bodies over the limit with 413 payload_too_large', async () => {
    const app = await buildApp({ bodyLimit: 64 }, (a) => void a.register(userRoutes));
    const response = await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'x'.repeat(200), age: 1 } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers unsupported content types with 415', async () => {
    const app = await buildApp({}, (a) => void a.register(userRoutes));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { 'content-type': 'application/xml' },
      payload: '<user/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('answers unknown routes with 404 not_found', async () => {
    const app = await buildApp();
    const response = await app.inject({ url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'route GET /nowhere not found' } });
  });

  it('answers an httpError with its status, code and message', async () => {
    const app = await buildApp({}, (a) => void a.register(userRoutes));
    const response = await app.inject({ url: '/v1/missing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'user_not_found', message: 'no user 42' } });
  });

  it('answers unexpected errors with 500 internal_error and no details', async () => {
    const app = await buildApp({}, (a) => void a.register(userRoutes));
    const response = await app.inject({ url: '/v1/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(response.body).not.toContain('/srv/db');
  });

  it('answers retriable failures with 503 without leaking internals', async () => {
    const app = await buildApp({}, (a) => void a.register(userRoutes));
    const response = await app.inject({ url: '/v1/down' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(response.body).not.toContain('10.0.0.5');
  });
});
