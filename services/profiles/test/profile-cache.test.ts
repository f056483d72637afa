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

    it('serves a view from the cache for the same profile version and catalog, and loads again for another', async () => {
      const cache = createProfileCache(kv, { ttlMs: 60_000, logger });
      let loads = 0;
      const load = async () => ({ load: ++loads });
      const key = { profileId: 'p1', version: 3, variant: 'g1' };
      expect(await cache.read(key, load)).toEqual({ load: 1 });
      expect(await cache.read(key, load)).toEqual({ load: 1 });
      expect(await cache.read({ ...key, version: 4 }, load)).toEqual({ load: 2 });
      expect(await cache.read({ ...key, variant: 'g2' }, load)).toEqual({ load: 3 });
      expect(await cache.read({ ...key, profileId: 'p2' }, load)).toEqual({ load: 4 });
    });

    it('does not cache a missing profile', async () => {
      const cache = createProfileCache(kv, { ttlMs: 60_000, logger });
      let loads = 0;
      const missing = async () => {
        loads += 1;
        return null;
      };
      expect(await cache.read({ profileId: 'gone', version: 1, variant: 'g' }, missing)).toBeNull();
      expect(await cache.read({ profileId: 'gone', version: 1, variant: 'g' }, missing)).toBeNull();
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
      expect(await cache.read({ profileId: 'p1', version: 1, variant: 'g' }, async () => ({ from: 'postgres' }))).toEqual({ from: 'postgres' });
    } finally {
      await kv.close();
    }
  });
});
