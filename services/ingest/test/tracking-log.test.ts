import { Writable } from 'node:stream';
import { loadConfig } from '@cjo/config';
import { createLogger } from '@cjo/log';
import { describeWithInfra } from '@cjo/testkit';
import { ingestConfigSchema } from '../src';
import { basicAuth, startIngest, type IngestHarness } from './support/ingest-harness';

/** An info-level logger whose lines the test reads back. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'tracking-log-test', level: 'info', destination }) };
}

describeWithInfra(['postgres'], 'tracking routes log level', () => {
  let ingest: IngestHarness | undefined;

  afterEach(async () => {
    await ingest?.dispose();
    ingest = undefined;
  });

  const urlsLogged = (lines: Array<Record<string, unknown>>) =>
    lines.flatMap((line) => {
      const req = line.req as { url?: string } | undefined;
      return req?.url === undefined ? [] : [`${String(line.msg)} ${req.url}`];
    });

  it('keeps tracking calls out of an info log by default, while admin calls are logged', async () => {
    const defaults = loadConfig(ingestConfigSchema, { CJO_ADMIN_TOKEN: 'a-long-enough-admin-token' });
    expect(defaults.TRACKING_LOG_LEVEL).toBe('warn');
    const { lines, logger } = capturingLogger();
    ingest = await startIngest({ kv: 'memory', logger, config: { TRACKING_LOG_LEVEL: defaults.TRACKING_LOG_LEVEL } });
    const { writeKey } = await ingest.createSource('quiet');
    expect((await ingest.post('/v1/track', { userId: 'u', event: 'e' }, basicAuth(writeKey))).statusCode).toBe(200);
    expect((await ingest.post('/v1/track', { event: 'no ids' }, basicAuth(writeKey))).statusCode).toBe(400);
    expect(urlsLogged(lines)).toEqual(['incoming request /v1/sources']);
    expect(lines.filter((line) => line.msg === 'events refused')).toEqual([]);
  });

  it('logs every tracking call and refusal at TRACKING_LOG_LEVEL=info', async () => {
    const { lines, logger } = capturingLogger();
    ingest = await startIngest({ kv: 'memory', logger, config: { TRACKING_LOG_LEVEL: 'info' } });
    const { writeKey } = await ingest.createSource('verbose');
    await ingest.post('/v1/track', { userId: 'u', event: 'e' }, basicAuth(writeKey));
    await ingest.post('/v1/track', { event: 'no ids' }, basicAuth(writeKey));
    expect(urlsLogged(lines)).toEqual(['incoming request /v1/sources', 'incoming request /v1/track', 'incoming request /v1/track']);
    expect(lines.filter((line) => line.msg === 'events refused')).toHaveLength(1);
  });
});
