import { randomBytes } from 'node:crypto';

// Postgres truncates identifiers at 63 bytes; keep room for the random part.
const maxPrefixLength = 48;

/**
 * A fresh name that is valid as a Kafka topic, a consumer group, a Postgres
 * schema and a Redis key prefix at once: lowercase letters, digits and `_`,
 * starting with a letter, so tests never share state across runs.
 */
export function uniqueName(prefix: string): string {
  let safe = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(safe)) safe = `t${safe}`;
  return `${safe.slice(0, maxPrefixLength)}_${randomBytes(6).toString('hex')}`;
}
