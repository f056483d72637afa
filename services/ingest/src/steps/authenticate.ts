import { createHash } from 'node:crypto';
import { fromError, ok, type StepResult } from '@cjo/bus';
import { reject } from '../rejection';

/** A source as authentication needs it. */
export interface SourceRef {
  id: string;
  disabled: boolean;
}

/** Finds the source whose write key hashes to `writeKeyHash`, or null. */
export type SourceLookup = (writeKeyHash: string) => Promise<SourceRef | null>;

const BASIC_PREFIX = /^basic\s+/i;

function unauthorized(message: string): StepResult<never> {
  return reject(401, 'unauthorized', message);
}

/**
 * Segment clients send the write key as the HTTP Basic user name with an empty password (only the
 * part before the first ':' counts), or, where they cannot set headers (sendBeacon, analytics-node),
 * as `writeKey` in the body. A header, when present, wins.
 */
export function parseWriteKey(authorization: string | undefined, bodyWriteKey?: string): StepResult<string> {
  if (authorization === undefined || authorization === '') {
    if (bodyWriteKey !== undefined && bodyWriteKey !== '') return ok(bodyWriteKey);
    return unauthorized(
      'missing write key: use HTTP Basic auth with the write key as the user name, or send "writeKey" in the body',
    );
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

/** Resolves the request's write key to the id of an enabled source. */
export async function authenticateSource(
  lookup: SourceLookup,
  authorization: string | undefined,
  bodyWriteKey?: string,
): Promise<StepResult<string>> {
  const writeKey = parseWriteKey(authorization, bodyWriteKey);
  if (writeKey.type !== 'ok') return writeKey;
  let source: SourceRef | null;
  try {
    source = await lookup(hashWriteKey(writeKey.value));
  } catch (err) {
    return fromError(err);
  }
  if (source === null) return unauthorized('unknown write key');
  if (source.disabled) return reject(403, 'source_disabled', 'the source of this write key is disabled');
  return ok(source.id);
}
