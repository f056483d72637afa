import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@cjo/log';
import { createHttpApp } from '../src';

/** One request through a keep-alive agent; resolves with the status and the Connection header. */
function get(port: number, agent: Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful close', () => {
  it('finishes a request in flight, asks its client to close the socket, and does not wait for keep-alive', async () => {
    const app = await createHttpApp({ logger: createLogger({ name: 'graceful-close-test', level: 'silent' }), serviceName: 'test' });
    app.get('/slow', async () => {
      await sleep(200);
      return { done: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });

    try {
      expect(await get(port, agent)).toEqual({ status: 200, connection: 'keep-alive' });
      const inFlight = get(port, agent);
      await sleep(50);
      const closeStarted = Date.now();
      await app.close();

      expect(await inFlight).toEqual({ status: 200, connection: 'close' });
      // Without the Connection: close answer, server.close() waits for fastify's 72 s keep-alive timeout.
      expect(Date.now() - closeStarted).toBeLessThan(3_000);
    } finally {
      agent.destroy();
    }
  });
});
