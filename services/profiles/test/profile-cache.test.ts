import { createMemoryKv, createRedisKv, type Kv } from '@cjo/kv';
import { createLogger } from '@cjo/log';
import { describeWithInfra, infraUrls, uniqueName } from '@cjo/testkit';
import { createProfileCache } from '../src/cache/profile-cache';

const logger = createLogger({ name: 'profile-cache-test', level: 'silent' });

function describeCache(name: string, makeKv: () => Kv): void {
  describe(`profile cache on ${name}`, () => {
    let kv: Kv;
    beforeEach(() => {
      kv = makeKv();
    });
    afterEach(async () => {
      await kv.close();
    });

    it('serves a view from the cache until the profile changes', async () => {
      const cache = createProfileCache(kv, { ttlMs: 60_000, logger });
      let loads = 0;
      const load = async () => ({ version: ++loads });
      expect(await cache.read('p1', 'g1', load)).toEqual({ version: 1 });
      expect(await cache.read('p1', 'g1', load)).toEqual({ version: 1 });
      await cache.invalidate(['p1']);
      expect(await cache.read('p1', 'g1', load)).toEqual({ version: 2 });
      expect(await cache.read('p1', 'g2', load)).toEqual({ version: 3 });
      expect(await cache.read('p2', 'g1', load)).toEqual({ version: 4 });
    });

    it('never serves a view loaded while a write was committing', async () => {
      const cache = createProfileCache(kv, { ttlMs: 60_000, logger });
      let loads = 0;
      // The write commits and invalidates while this reader is still loading the old data.
      const stale = await cache.read('p1', 'g', async () => {
        loads += 1;
        await cache.invalidate(['p1']);
        return { state: 'old' };
      });
      expect(stale).toEqual({ state: 'old' });
      const next = await cache.read('p1', 'g', async () => {
        loads += 1;
        return { state: 'new' };
      });
      expect(next).toEqual({ state: 'new' });
      expect(loads).toBe(2);
    });

    it('does not cache a missing profile', async () => {
      const cache = createProfileCache(kv, { ttlMs: 60_000, logger });
      let loads = 0;
      const missing = async () => {
        loads += 1;
        return null;
      };
      expect(await cache.read('gone', 'g', missing)).toBeNull();
      expect(await cache.read('gone', 'g', missing)).toBeNull();
      expect(loads).toBe(2);
    });
  });
}

describeCache('the memory kv', () => createMemoryKv());

describeWithInfra(['redis'], 'profile cache on Redis', () => {
  describeCache('Redis', () => createRedisKv({ url: infraUrls().redisUrl, prefix: `${uniqueName('profile_cache_test')}:` }));

  it('falls back to Postgres when Redis is unreachable', async () => {
    const kv = createRedisKv({ url: 'redis://127.0.0.1:1', prefix: 'nowhere:', maxRetriesPerRequest: 0, connectTimeoutMs: 200 });
    try {
      const cache = createProfileCache(kv, { ttlMs: 60_000, logger });
      expect(await cache.read('p1', 'g', async () => ({ from: 'postgres' }))).toEqual({ from: 'postgres' });
      await expect(cache.invalidate(['p1'])).resolves.toBeUndefined();
    } finally {
      await kv.close();
    }
  });
});
