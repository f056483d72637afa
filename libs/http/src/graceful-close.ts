import type { FastifyInstance } from 'fastify';

/**
 * Makes `app.close()` finish while clients keep their connections busy.
 * Fastify answers requests that *arrive* after close() with `Connection: close`,
 * but a request already in flight keeps its keep-alive socket open afterwards,
 * and server.close() then waits for the keep-alive timeout (72 s). Every
 * response sent while closing therefore asks the client to close, and sockets
 * still open after `graceMs` are cut.
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
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
