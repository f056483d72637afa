import { createServer } from 'node:net';

/**
 * A TCP port that is free right now on `host` (the OS picks it); a process
 * started next can listen on it. Without a host, the port is free on every
 * interface (Node's default), as one Docker publishes must be.
 */
export async function freePort(host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    const onListening = () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port assigned')),
      );
    };
    if (host === undefined) server.listen(0, onListening);
    else server.listen(0, host, onListening);
  });
}
