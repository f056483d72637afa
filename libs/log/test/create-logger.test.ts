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
});
