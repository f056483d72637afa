import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { parseJsonBody } from '../../src/http/parse-json';
import { contentEncodingOf, readBody } from '../../src/http/read-body';

const headers = (encoding?: string) => (encoding === undefined ? {} : { 'content-encoding': encoding });

function streamOf(buffer: Buffer, chunkSize = 1_024): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < buffer.length; at += chunkSize) chunks.push(buffer.subarray(at, at + chunkSize));
  return Readable.from(chunks);
}

describe('readBody', () => {
  it('reads a plain body within the limit', async () => {
    await expect(readBody(streamOf(Buffer.from('{"a":1}')), headers(), 100)).resolves.toEqual(Buffer.from('{"a":1}'));
  });

  it('joins a body that arrives in several chunks', async () => {
    const body = Buffer.from(JSON.stringify({ text: 'x'.repeat(3_000) }));
    await expect(readBody(streamOf(body), headers(), 10_000)).resolves.toEqual(body);
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
  ])('decompresses %s', async (encoding, compress) => {
    const body = Buffer.from(JSON.stringify({ text: 'é🎉'.repeat(100) }));
    await expect(readBody(streamOf(compress(body)), headers(encoding), 10_000)).resolves.toEqual(body);
  });

  it('refuses a body over the limit as it arrives', async () => {
    await expect(readBody(streamOf(Buffer.alloc(2_000)), headers(), 1_000)).rejects.toMatchObject({
      statusCode: 400,
      code: 'request_too_large',
    });
  });

  it('refuses a declared Content-Length over the limit without reading', async () => {
    await expect(readBody(streamOf(Buffer.alloc(10)), { 'content-length': '5000' }, 1_000)).rejects.toMatchObject({
      code: 'request_too_large',
    });
  });

  it('stops inflating a gzip bomb at the limit', async () => {
    // 50 MB of zeros compress to about 50 KB; the output must never grow past the 500 KB limit.
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    await expect(readBody(streamOf(bomb), headers('gzip'), 500 * 1024)).rejects.toMatchObject({
      statusCode: 400,
      code: 'request_too_large',
      message: expect.stringContaining('decompressed'),
    });
  });

  it('refuses a body that is not what its Content-Encoding says', async () => {
    await expect(readBody(streamOf(Buffer.from('not gzip')), headers('gzip'), 1_000)).rejects.toMatchObject({
      code: 'invalid_body_encoding',
    });
  });
});

describe('contentEncodingOf', () => {
  it.each(['br', 'gzip, gzip', 'compress'])('refuses %s with 415', (encoding) => {
    expect(() => contentEncodingOf(encoding)).toThrow(expect.objectContaining({ statusCode: 415, code: 'unsupported_content_encoding' }));
  });

  it('takes a missing or identity encoding as uncompressed', () => {
    expect(contentEncodingOf(undefined)).toBe('identity');
    expect(contentEncodingOf('Identity')).toBe('identity');
  });
});

describe('parseJsonBody', () => {
  it('decodes UTF-8 split anywhere and keeps astral characters intact', () => {
    const text = JSON.stringify({ name: '🎉 שלום 𝌆 café' });
    expect(parseJsonBody(Buffer.from(text))).toEqual({ name: '🎉 שלום 𝌆 café' });
  });

  it.each([
    ['invalid JSON', Buffer.from('{"a":'), 'the body is not valid JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'the body is not valid UTF-8 text'],
    ['a __proto__ key', Buffer.from('{"__proto__":{"polluted":true}}'), 'the body is not valid JSON'],
  ])('refuses %s', (_label, body, message) => {
    expect(() => parseJsonBody(body)).toThrow(expect.objectContaining({ code: 'invalid_json', message: expect.stringContaining(message) }));
  });
});
