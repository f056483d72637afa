import { Writable } from 'node:stream';
import { createLogger } from '../src';

function captureLines(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes JSON lines with the logger name and level filtering', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ name: 'ingest', level: 'info', destination: stream });
    logger.debug('hidden');
    logger.info({ topic: 'cjo.events.raw.v1' }, 'published');
    expect(lines()).toEqual([expect.objectContaining({ name: 'ingest', msg: 'published', topic: 'cjo.events.raw.v1' })]);
  });

  it('never writes secret fields', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ name: 'ingest', destination: stream });
    const secrets = ['Bearer s3cr3t-header', 'pw-123', 'wk-456', 'tok-789', 'admin-000'];
    logger.info(
      {
        req: { method: 'POST', headers: { authorization: secrets[0], host: 'localhost' } },
        user: { password: secrets[1] },
        source: { writeKey: secrets[2] },
        token: secrets[3],
        config: { CJO_ADMIN_TOKEN: secrets[4], PORT: 8081 },
      },
      'request',
    );
    const written = JSON.stringify(lines());
    for (const secret of secrets) expect(written).not.toContain(secret);
    const [line] = lines();
    expect(line).toMatchObject({
      req: { method: 'POST', headers: { authorization: '[redacted]', host: 'localhost' } },
      user: { password: '[redacted]' },
      source: { writeKey: '[redacted]' },
      token: '[redacted]',
      config: { CJO_ADMIN_TOKEN: '[redacted]', PORT: 8081 },
    });
  });

  it('never writes a secret binding of a child logger, nor a secret field one level down in its lines', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ name: 'ingest', destination: stream });
    logger.child({ writeKey: 'wk-child', reqId: 'req-1' }).info({ source: { apiKey: 'ak-child', name: 'web' } }, 'bound');
    const written = JSON.stringify(lines());
    expect(written).not.toContain('wk-child');
    expect(written).not.toContain('ak-child');
    expect(lines()[0]).toMatchObject({ writeKey: '[redacted]', source: { apiKey: '[redacted]', name: 'web' }, reqId: 'req-1' });
  });

  it('censors a copy: the objects the caller logged keep their values', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ name: 'ingest', destination: stream });
    const source = { writeKey: 'wk-kept', name: 'web' };
    const fields = { token: 'tok-kept', source };
    logger.info(fields, 'logged');
    expect(fields).toEqual({ token: 'tok-kept', source: { writeKey: 'wk-kept', name: 'web' } });
    expect(lines()[0]).toMatchObject({ token: '[redacted]', source: { writeKey: '[redacted]', name: 'web' } });
  });

  it('logs errors with their message and stack, and fields without secrets as they are', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ name: 'ingest', destination: stream });
    logger.warn({ err: new Error('broker gone'), topic: 't', nested: { partition: 2 } }, 'publish failed');
    expect(lines()[0]).toMatchObject({
      err: { type: 'Error', message: 'broker gone', stack: expect.stringContaining('broker gone') },
      topic: 't',
      nested: { partition: 2 },
      msg: 'publish failed',
    });
  });
});
