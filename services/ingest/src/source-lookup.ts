import { LRUCache } from 'lru-cache';
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

export interface SourceCacheTimes {
  /** How long the shared (Kv) entry of a known key lives; rotation and disabling delete it at once. */
  sharedTtlMs: number;
  /** How long this process trusts its own copy of an answer, unknown keys included. */
  localTtlMs: number;
}

/** Enough for every source of a large installation; unknown keys from a key-guessing client evict each other. */
const LOCAL_ENTRIES = 10_000;

/**
 * Every tracking call authenticates, so the hash -> source answer is cached twice: in this process
 * (no round trip at all; unknown keys too, so guessed keys do not each cost a Postgres query), and
 * in the Kv shared by all instances. Rotating a key or disabling a source deletes both entries here
 * and the shared one, so it takes effect at once on this instance and within `localTtlMs` on the
 * others; only a lookup racing with the change can put the old answer back, for at most
 * `sharedTtlMs`.
 */
export function cachedSourceLookup(db: Queryable, kv: Kv, times: SourceCacheTimes): SourceCache {
  // An entry holds the lookup's promise, so concurrent requests with one key share one lookup.
  const local = new LRUCache<string, Promise<SourceRef | null>>({ max: LOCAL_ENTRIES, ttl: times.localTtlMs });
  const lookupShared = async (writeKeyHash: string): Promise<SourceRef | null> => {
    const cached = await kv.get(cacheKey(writeKeyHash));
    const entry = cached === null ? null : parseEntry(cached);
    if (entry !== null) return entry;
    const source = await findSourceByKeyHash(db, writeKeyHash);
    if (source !== null) await kv.set(cacheKey(writeKeyHash), JSON.stringify(source), { ttlMs: times.sharedTtlMs });
    return source;
  };
  return {
    lookup(writeKeyHash) {
      let answer = local.get(writeKeyHash);
      if (answer === undefined) {
        answer = lookupShared(writeKeyHash);
        local.set(writeKeyHash, answer);
        // A failed lookup is not an answer: the next request asks again.
        answer.catch(() => local.delete(writeKeyHash));
      }
      return answer;
    },
    async invalidate(writeKeyHash) {
      local.delete(writeKeyHash);
      await kv.del(cacheKey(writeKeyHash));
    },
  };
}
