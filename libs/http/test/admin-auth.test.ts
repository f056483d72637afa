import { adminAuth } from '../src';
import { appFactory } from './helpers';

const buildApp = appFactory();
const token = 'adm-0123456789abcdef';

async function protectedApp() {
  return buildApp({}, (app) => {
    app.get('/admin/ping', { preHandler: adminAuth(token) }, async () => ({ pong: true }));
  });
}

describe('adminAuth', () => {
  it('lets the right bearer token through', async () => {
    const app = await protectedApp();
    const response = await app.inject({ url: '/admin/ping', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ pong: true });
  });

  it.each([
    ['no header', {}, /missing Authorization header/],
    ['another scheme', { authorization: `Basic ${token}` }, /Bearer scheme/],
    ['a wrong token', { authorization: 'Bearer nope-guess' }, /not the admin token/],
    ['a token with extra characters', { authorization: `Bearer ${token}x` }, /not the admin token/],
  ])('answers 401 unauthorized for %s', async (_case, headers, message) => {
    const app = await protectedApp();
    const response = await app.inject({ url: '/admin/ping', headers });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    const body = response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(message);
    expect(response.body).not.toContain(token);
    expect(response.body).not.toContain('nope-guess');
  });

  it('refuses an empty admin token at setup', () => {
    expect(() => adminAuth('')).toThrow(/must not be empty/);
  });
});
