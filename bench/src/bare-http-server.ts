/**
 * The single-call baseline of pnpm bench:ingest: a plain node:http server that reads each request
 * body and answers what ingest answers (200 {"success":true}), doing nothing else. Driven by the
 * same load as ingest, it shows what HTTP alone costs on this machine, so the ingest figure can be
 * read as a share of it. Listens on PORT (127.0.0.1); GET /health/ready answers 200.
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const server = createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(request.method === 'GET' ? '{"status":"ready"}' : '{"success":true}');
  });
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
