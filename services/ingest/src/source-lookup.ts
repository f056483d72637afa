import type { Queryable } from '@cjo/db';
import type { Kv } from '@cjo/kv';
import type { SourceLookup } from './steps/authenticate';
import { findEnabledSourceId } from './store';

/**
 * Every track call authenticates, so the hash -> source id answer is cached
 * briefly; a disabled source stops being accepted within `ttlMs`.
 */
export function cachedSourceLookup(db: Queryable, kv: Kv, ttlMs: number): SourceLookup {
  return async (writeKeyHash) => {
    const cacheKey = `source-by-key:${writeKeyHash}`;
    const cached = await kv.get(cacheKey);
    if (cached !== null) return cached;
    const sourceId = await findEnabledSourceId(db, writeKeyHash);
    if (sourceId !== null) await kv.set(cacheKey, sourceId, { ttlMs });
    return sourceId;
  };
}
