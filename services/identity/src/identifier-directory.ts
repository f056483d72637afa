import type { Queryable } from '@cjo/db';
import type { Kv } from '@cjo/kv';
import type { Identifier, IdentifierLink } from './identifiers';
import type { IdentifierDirectory } from './steps/resolve-profile';
import { findLinks, insertLinks } from './store';

function cacheKey(identifier: Identifier): string {
  return `profile-of:${identifier.type}:${identifier.value}`;
}

/**
 * Postgres holds the links; the KV caches them. A link never changes once
 * stored (merges are not done yet), so a cached link cannot go stale.
 */
export function createIdentifierDirectory(db: Queryable, kv: Kv, cacheTtlMs: number): IdentifierDirectory {
  async function remember(links: IdentifierLink[]): Promise<void> {
    await Promise.all(links.map((link) => kv.set(cacheKey(link), link.profileId, { ttlMs: cacheTtlMs })));
  }

  return {
    async find(identifiers) {
      const cached = await Promise.all(identifiers.map((identifier) => kv.get(cacheKey(identifier))));
      const hits: IdentifierLink[] = [];
      const misses: Identifier[] = [];
      identifiers.forEach((identifier, index) => {
        const profileId = cached[index];
        if (profileId === null || profileId === undefined) misses.push(identifier);
        else hits.push({ ...identifier, profileId });
      });
      const stored = await findLinks(db, misses);
      await remember(stored);
      return [...hits, ...stored];
    },
    async link(identifiers, profileId) {
      await insertLinks(db, identifiers, profileId);
      const stored = await findLinks(db, identifiers);
      await remember(stored);
      return stored;
    },
  };
}
