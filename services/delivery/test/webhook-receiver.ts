import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** How the receiver answers one request: a status, optionally after a delay. */
export interface Reply {
  status: number;
  delayMs?: number;
}

export interface WebhookReceiver {
  url(path: string): string;
  /** Replies for the next requests to `path`, in order; after that every request gets 200. */
  script(path: string, replies: Reply[]): void;
  received(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 standing in for an integrator's webhook endpoint. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, Reply[]>();
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const reply = scripts.get(path)?.shift() ?? { status: 200 };
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end('{}');
      }, reply.delayMs ?? 0);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    script: (path, replies) => void scripts.set(path, [...replies]),
    received: (path) => requests.filter((request) => request.path === path),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
