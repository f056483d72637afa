import { randomBytes } from 'node:crypto';
import type { Kv } from '@cjo/kv';
import type { Logger } from '@cjo/log';

/**
 * A profile's generation outlives every view stored under it (each write sets it afresh). When it
 * expires (an idle profile) it reads as "none" again, and views stored under "none" before it was
 * first set expired long ago.
 */
const generationTtl = (viewTtlMs: number): number => 2 * viewTtlMs + 60_000;

/**
 * Redis cache of profile views for the read API. Each profile has a generation (a random token); a
 * view is stored under the generation read *before* it was loaded from Postgres, and every write
 * sets a new one after it commits. A view loaded while a write was committing is stored under the old
 * generation and never served, so a reader cannot put a stale view back. If Redis fails after a
 * commit, a stale view lives at most `ttlMs`.
 */
export interface ProfileCache {
  read<T>(profileId: string, variant: string, load: () => Promise<T | null>): Promise<T | null>;
  /** Call after the transaction that changed these profiles committed. */
  invalidate(profileIds: Iterable<string>): Promise<void>;
}

export function createProfileCache(kv: Kv, options: { ttlMs: number; logger: Logger }): ProfileCache {
  const { logger } = options;
  // Unique tokens without a system call each: a random prefix per process and a counter.
  const prefix = randomBytes(8).toString('hex');
  let counter = 0;
  const token = (): string => `${prefix}${(counter++).toString(36)}`;
  return {
    async read(profileId, variant, load) {
      let key: string | undefined;
      try {
        const generation = (await kv.get(`gen:${profileId}`)) ?? 'none';
        key = `view:${profileId}:${generation}:${variant}`;
        const hit = await kv.get(key);
        if (hit !== null) return JSON.parse(hit);
      } catch (err) {
        logger.warn({ err, profileId }, 'profile cache read failed; reading Postgres');
        key = undefined;
      }
      const view = await load();
      if (view !== null && key !== undefined) {
        await kv.set(key, JSON.stringify(view), { ttlMs: options.ttlMs }).catch((err: unknown) => {
          logger.warn({ err, profileId }, 'profile cache write failed');
        });
      }
      return view;
    },
    async invalidate(profileIds) {
      const ids = [...new Set(profileIds)];
      const ttlMs = generationTtl(options.ttlMs);
      const results = await Promise.allSettled(ids.map((id) => kv.set(`gen:${id}`, token(), { ttlMs })));
      const failed = results.filter((result) => result.status === 'rejected').length;
      if (failed > 0) {
        logger.warn({ failed, ttlMs: options.ttlMs }, 'profile cache invalidation failed; stale views expire with their TTL');
      }
    },
  };
}
