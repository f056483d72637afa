import type { Kv } from '@cjo/kv';
import { keyOf, type Identifier } from '../identifiers';

/**
 * identifier -> live profile, in the KV store, in front of Postgres.
 *
 * The race to close: a batch reads a link from Postgres just before another instance commits a
 * merge that moves it, and writes it to the cache just after that instance invalidated it. So:
 * - invalidation (after every commit that moves or forgets identifiers) overwrites the entries
 *   with a tombstone that lives `tombstoneTtlMs`;
 * - a fill never overwrites anything (SET NX), so it cannot replace a tombstone;
 * - a batch whose Postgres read started more than half the tombstone's life ago fills nothing,
 *   so no fill can outlive the tombstone that would have stopped it.
 * A link read before a merge therefore never reaches the cache after the merge's invalidation.
 */
export interface IdentityCache {
  /** Identifier key -> profile, for the identifiers with a live entry. One round trip. */
  lookup(identifiers: readonly Identifier[]): Promise<Map<string, string>>;
  /** Caches links read from Postgres (or committed) by a read that started at `readStartedAt`. */
  fill(links: ReadonlyArray<readonly [Identifier, string]>, readStartedAt: number): Promise<void>;
  /** Tombstones the entries of identifiers whose profile changed or that were forgotten. */
  invalidate(identifiers: readonly Identifier[]): Promise<void>;
}

export interface IdentityCacheOptions {
  ttlMs: number;
  tombstoneTtlMs: number;
  now: () => number;
}

const TOMBSTONE = '-';

const cacheKey = (identifier: Identifier) => `profile-of:${keyOf(identifier)}`;

export function createIdentityCache(kv: Kv, options: IdentityCacheOptions): IdentityCache {
  return {
    async lookup(identifiers) {
      const values = await kv.getMany(identifiers.map(cacheKey));
      const found = new Map<string, string>();
      values.forEach((value, index) => {
        const identifier = identifiers[index];
        if (identifier !== undefined && value !== null && value !== TOMBSTONE) found.set(keyOf(identifier), value);
      });
      return found;
    },
    async fill(links, readStartedAt) {
      if (links.length === 0 || options.now() - readStartedAt > options.tombstoneTtlMs / 2) return;
      await kv.setMany(
        links.map(([identifier, profileId]) => ({ key: cacheKey(identifier), value: profileId })),
        { onlyIfAbsent: true, ttlMs: options.ttlMs },
      );
    },
    async invalidate(identifiers) {
      if (identifiers.length === 0) return;
      await kv.setMany(
        identifiers.map((identifier) => ({ key: cacheKey(identifier), value: TOMBSTONE })),
        { ttlMs: options.tombstoneTtlMs },
      );
    },
  };
}
