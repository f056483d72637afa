import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { HttpError } from '@cjo/http';

const gunzipLimited = promisify(gunzip);
const inflateLimited = promisify(inflate);

type Encoding = 'identity' | 'gzip' | 'deflate';

const ENCODINGS: Record<string, Encoding> = { identity: 'identity', gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' };

function tooLarge(limit: number, what: string): HttpError {
  return new HttpError(400, 'request_too_large', `${what} is over ${limit} bytes; the limit is ${limit} bytes per request`);
}

export function contentEncodingOf(header: string | undefined): Encoding {
  const name = (header ?? 'identity').trim().toLowerCase();
  const encoding = ENCODINGS[name === '' ? 'identity' : name];
  if (encoding !== undefined) return encoding;
  throw new HttpError(
    415,
    'unsupported_content_encoding',
    `Content-Encoding ${JSON.stringify(header)} is not supported; send gzip, deflate or an uncompressed body`,
  );
}

/**
 * Reads at most `limit` bytes. Past the limit it stops listening (Node then discards the rest of
 * the body) rather than destroying the stream, which would cut the socket before the 400 is sent.
 */
export function readAtMost(stream: Readable, limit: number, declaredLength: number): Promise<Buffer> {
  if (declaredLength > limit) return Promise.reject(tooLarge(limit, 'the request body'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(tooLarge(limit, 'the request body'));
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      stop();
      // Most bodies arrive in one chunk: that chunk is the body, no copy needed.
      resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size));
    }
    function onError(err: Error) {
      stop();
      reject(err);
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * Decompresses with zlib's maxOutputLength, so inflation stops as soon as the output passes the
 * limit: a small "zip bomb" never grows past `limit` bytes in memory.
 */
export async function decode(body: Buffer, encoding: Encoding, limit: number): Promise<Buffer> {
  if (encoding === 'identity') return body;
  try {
    const options = { maxOutputLength: limit };
    return encoding === 'gzip' ? await gunzipLimited(body, options) : await inflateLimited(body, options);
  } catch (err) {
    // Checked by code, not instanceof: zlib's RangeError may come from another realm (jest's sandbox).
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit, 'the decompressed request body');
    throw new HttpError(400, 'invalid_body_encoding', `the body is not valid ${encoding} data`);
  }
}

/** The request body, read and decompressed within `limit` bytes. */
export async function readBody(
  stream: Readable,
  headers: { 'content-encoding'?: string; 'content-length'?: string },
  limit: number,
): Promise<Buffer> {
  const encoding = contentEncodingOf(headers['content-encoding']);
  const declaredLength = Number(headers['content-length'] ?? Number.NaN);
  const wire = await readAtMost(stream, limit, Number.isNaN(declaredLength) ? 0 : declaredLength);
  return decode(wire, encoding, limit);
}
