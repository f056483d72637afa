import { Redis } from 'ioredis';
import { CjoError } from '@cjo/errors';
import { describeWithInfra, infraUrls } from '@cjo/testkit';
import { createRedisKv } from '../src';
import { describeKvContract, uniquePrefix } from './kv-contract';

const url = infraUrls().redisUrl;

describeWithInfra(['redis'], 'createRedisKv', () => {
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(url);
  });

  afterAll(async () => {
    await admin.quit();
  });

  async function deleteUnder(prefix: string): Promise<void> {
    // SCAN patterns are globs; the prefix must match literally.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of admin.scanStream({ match: pattern, count: 100 })) {
      const batch = keys as string[];
      if (batch.length > 0) await admin.del(...batch);
    }
  }

  describeKvContract('redis', {
    open: (prefix) => createRedisKv({ url, prefix }),
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: (prefix) => deleteUnder(prefix),
  });

  describe('keys and failures', () => {
    const prefix = uniquePrefix('redis_raw');

    afterAll(() => deleteUnder(prefix));

    it('stores keys under the prefix', async () => {
      const kv = createRedisKv({ url, prefix });
      try {
        await kv.set('profile:1', 'v', { ttlMs: 60_000 });
        expect(await admin.get(`${prefix}profile:1`)).toBe('v');
        const ttl = await admin.pttl(`${prefix}profile:1`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      } finally {
        await kv.close();
      }
    });

    it('answers each command of one auto-pipelined tick on its own, a failing one included', async () => {
      const kv = createRedisKv({ url, prefix });
      try {
        await kv.set('pipelined:text', 'hello');
        // Issued in one tick, these leave as one pipeline.
        const [failed, ...answers] = await Promise.all([
          kv.incrBy('pipelined:text', 1).catch((err: unknown) => err),
          kv.set('pipelined:a', '1'),
          kv.incrBy('pipelined:n', 5, 60_000),
          kv.get('pipelined:missing'),
          kv.set('pipelined:a', '2', { onlyIfAbsent: true }),
          kv.get('pipelined:a'),
        ]);
        expect(failed).toMatchObject({ code: 'kv_command_failed', retriable: false });
        expect(answers).toEqual([true, 5, null, false, '1']);
        expect(await admin.pttl(`${prefix}pipelined:n`)).toBeGreaterThan(0);
      } finally {
        await kv.close();
      }
    });

    it('sends the commands issued before close() ahead of QUIT', async () => {
      const kv = createRedisKv({ url, prefix });
      await kv.get('warm-up');
      const written = kv.set('before-close', 'v');
      await kv.close();
      await expect(written).resolves.toBe(true);
      expect(await admin.get(`${prefix}before-close`)).toBe('v');
    });

    it('fails with a retriable kv_unavailable when Redis cannot be reached', async () => {
      const kv = createRedisKv({ url: 'redis://127.0.0.1:1', prefix, maxRetriesPerRequest: 1 });
      try {
        const error: unknown = await kv.get('x').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CjoError);
        expect(error).toMatchObject({ code: 'kv_unavailable', retriable: true });
        await expect(kv.incrBy('x', 1)).rejects.toMatchObject({ code: 'kv_unavailable', retriable: true });
      } finally {
        await kv.close();
      }
    });
  });
});
