import type { Kv } from '@cjo/kv';
import type { Logger } from '@cjo/log';

/**
 * Redis cache of profile views for the read API, keyed by the profile's id and row version.
 * Every transaction that changes a profile (an event, a merge, a split, a window expiry, a
 * backfill, a membership change) bumps the version in the same transaction, and a deletion removes
 * the row, so a reader that asks Postgres for the version (one point read) never gets a view of
 * an older state: invalidation is exact, and the writers never touch Redis. What the cache saves
 * is the rest of the read (traits, memberships, computed traits from history, merged ids).
 * Views of old versions are never read again and expire after `ttlMs`.
 */
export interface ProfileCache {
  read<T>(key: { profileId: string; version: number; variant: string }, load: () => Promise<T | null>): Promise<T | null>;
}

export function createProfileCache(kv: Kv, options: { ttlMs: number; logger: Logger }): ProfileCache {
  const { logger } = options;
  return {
    async read({ profileId, version, variant }, load) {
      const key = `view:${profileId}:${version}:${variant}`;
      try {
        const hit = await kv.get(key);
        if (hit !== null) return JSON.parse(hit);
      } catch (err) {
        logger.warn({ err, profileId }, 'profile cache read failed; reading Postgres');
      }
      const view = await load();
      if (view !== null) {
        await kv.set(key, JSON.stringify(view), { ttlMs: options.ttlMs }).catch((err: unknown) => {
          logger.warn({ err, profileId }, 'profile cache write failed');
        });
      }
      return view;
    },
  };
}
