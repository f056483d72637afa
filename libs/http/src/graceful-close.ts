import type { FastifyInstance } from 'fastify';
import { errorBody } from './http-error';

/** Seconds a client should wait before retrying against another instance (or this one, restarted). */
const RETRY_AFTER_SECONDS = 1;

/**
 * Makes `app.close()` finish while clients keep their connections busy, and
 * answers requests that arrive meanwhile in the platform's error format.
 * A request already in flight keeps its keep-alive socket open afterwards, and
 * server.close() then waits for the keep-alive timeout (72 s); so every
 * response sent while closing asks the client to close, and sockets still open
 * after `graceMs` are cut. Needs fastify's own `return503OnClosing: false`.
 */
export function installGracefulClose(app: FastifyInstance, graceMs = 5_000): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
    timer.unref();
    app.server.once('close', () => clearTimeout(timer));
    done();
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    await reply
      .code(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send(errorBody('shutting_down', 'this instance is shutting down; retry the request'));
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
