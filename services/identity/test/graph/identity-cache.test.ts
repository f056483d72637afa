import { createMemoryKv, createRedisKv, type Kv } from '@cjo/kv';
import { describeWithInfra, infraUrls, uniqueName } from '@cjo/testkit';
import { createIdentityCache } from '../../src/graph/identity-cache';

const x = { type: 'anonymousId', value: 'x' };
const y = { type: 'email', value: 'y@example.com' };

function describeCache(label: string, open: () => Kv): void {
  describe(`identity cache on ${label}`, () => {
    let kv: Kv;
    let clock = 1_000_000;
    const cache = () => createIdentityCache(kv, { ttlMs: 60_000, tombstoneTtlMs: 10_000, now: () => clock });

    beforeEach(() => {
      kv = open();
    });
    afterEach(() => kv.close());

    it('serves what was filled', async () => {
      await cache().fill([[x, 'p1'], [y, 'p2']], clock);
      expect(await cache().lookup([x, y, { type: 'userId', value: 'nobody' }])).toEqual(new Map([['anonymousId:x', 'p1'], ['email:y@example.com', 'p2']]));
    });

    it('never lets a link read before a merge land after the merge invalidated it', async () => {
      const readStartedAt = clock;
      // A reader has read x -> p2 from Postgres; meanwhile a merge moves x to p1 and invalidates.
      await cache().invalidate([x]);
      await cache().fill([[x, 'p2']], readStartedAt);
      expect(await cache().lookup([x])).toEqual(new Map());
    });

    it('does not fill from a read older than half the tombstone life', async () => {
      const readStartedAt = clock;
      clock += 5_001;
      await cache().fill([[x, 'p2']], readStartedAt);
      expect(await cache().lookup([x])).toEqual(new Map());
    });

    it('replaces an entry that was filled before the invalidation', async () => {
      await cache().fill([[x, 'p2']], clock);
      await cache().invalidate([x]);
      expect(await cache().lookup([x])).toEqual(new Map());
    });
  });
}

describeCache('the memory KV', () => createMemoryKv());
describeWithInfra(['redis'], 'identity cache on Redis', () => {
  describeCache('Redis', () => createRedisKv({ url: infraUrls().redisUrl, prefix: `${uniqueName('identity_cache')}:` }));
});
