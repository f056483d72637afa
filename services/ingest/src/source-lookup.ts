import type { Queryable } from '@cjo/db';
import type { Kv } from '@cjo/kv';
import type { SourceLookup, SourceRef } from './steps/authenticate';
import { findSourceByKeyHash } from './store';

export interface SourceCache {
  lookup: SourceLookup;
  /** Drops the cached answer for a key hash, after its key was rotated or its source disabled. */
  invalidate(writeKeyHash: string): Promise<void>;
}

/** The entries hold JSON ({ id, disabled }); an unreadable one counts as a miss. */
const cacheKey = (writeKeyHash: string) => `source-of-key:${writeKeyHash}`;

function parseEntry(text: string): SourceRef | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { id, disabled } = value as Record<string, unknown>;
    return typeof id === 'string' && typeof disabled === 'boolean' ? { id, disabled } : null;
  } catch {
    return null;
  }
}

/**
 * Every tracking call authenticates, so the hash -> source answer is cached in the Kv (shared by
 * all instances). Rotating a key or disabling a source deletes the entry, so it takes effect at
 * once; only a lookup racing with the change can put the old answer back, for at most `ttlMs`.
 */
export function cachedSourceLookup(db: Queryable, kv: Kv, ttlMs: number): SourceCache {
  return {
    async lookup(writeKeyHash) {
      const cached = await kv.get(cacheKey(writeKeyHash));
      const entry = cached === null ? null : parseEntry(cached);
      if (entry !== null) return entry;
      const source = await findSourceByKeyHash(db, writeKeyHash);
      if (source !== null) await kv.set(cacheKey(writeKeyHash), JSON.stringify(source), { ttlMs });
      return source;
    },
    async invalidate(writeKeyHash) {
      await kv.del(cacheKey(writeKeyHash));
    },
  };
}
