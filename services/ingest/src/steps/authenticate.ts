import { createHash } from 'node:crypto';
import { CjoError } from '@cjo/errors';
import { dlq, fromError, ok, type StepResult } from '@cjo/bus';

/** Finds the id of the enabled source whose write key hashes to `writeKeyHash`, or null. */
export type SourceLookup = (writeKeyHash: string) => Promise<string | null>;

const BASIC_PREFIX = /^basic\s+/i;

function unauthorized(message: string): StepResult<never> {
  return dlq(new CjoError('unauthorized', message));
}

/**
 * Segment clients send the write key as the HTTP Basic user name with an empty
 * password, so only the part before the first ':' counts.
 */
export function parseWriteKey(authorization: string | undefined): StepResult<string> {
  if (authorization === undefined || authorization === '') {
    return unauthorized('missing Authorization header: use HTTP Basic auth with the write key as the user name');
  }
  if (!BASIC_PREFIX.test(authorization)) {
    return unauthorized('Authorization must use the Basic scheme with the write key as the user name');
  }
  const decoded = Buffer.from(authorization.replace(BASIC_PREFIX, '').trim(), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const writeKey = separator === -1 ? decoded : decoded.slice(0, separator);
  if (writeKey === '') return unauthorized('the Basic auth user name (the write key) is empty');
  return ok(writeKey);
}

/** Only the hash is stored, so a leaked database does not leak usable write keys. */
export function hashWriteKey(writeKey: string): string {
  return createHash('sha256').update(writeKey, 'utf8').digest('hex');
}

export async function authenticateSource(
  lookup: SourceLookup,
  authorization: string | undefined,
): Promise<StepResult<string>> {
  const writeKey = parseWriteKey(authorization);
  if (writeKey.type !== 'ok') return writeKey;
  try {
    const sourceId = await lookup(hashWriteKey(writeKey.value));
    return sourceId === null ? unauthorized('unknown or disabled write key') : ok(sourceId);
  } catch (err) {
    return fromError(err);
  }
}
