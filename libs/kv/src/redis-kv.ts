import { Redis, ReplyError } from 'ioredis';
import { CjoError } from '@cjo/errors';
import type { Logger } from '@cjo/log';
import { assertIncrement, assertTtl } from './kv-errors';
import { defineKvScripts, scriptArgs } from './redis-scripts';
import type { Kv, SetOptions } from './types';

export interface RedisKvOptions {
  url: string;
  /** Prepended to every key, e.g. `cjo:identity:`. */
  prefix: string;
  /** Reconnection attempts a command waits through before failing with kv_unavailable. */
  maxRetriesPerRequest?: number;
  connectTimeoutMs?: number;
  logger?: Logger;
}

// Sets the expiry only when the counter has none, atomically with the increment.
const INCR_BY_WITH_TTL = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value`;

/** Redis rejected the command itself (wrong type, not an integer): retrying cannot help. */
function toKvError(err: unknown): CjoError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ReplyError) return new CjoError('kv_command_failed', message, { cause: err });
  return new CjoError('kv_unavailable', `redis unavailable: ${message}`, { retriable: true, cause: err });
}

async function guarded<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    throw toKvError(err);
  }
}

/**
 * A Kv on Redis. The client reconnects forever with capped backoff (Redis restarts heal by
 * themselves), while each command gives up after a few attempts so callers see kv_unavailable.
 */
export function createRedisKv(options: RedisKvOptions): Kv {
  const redis = new Redis(options.url, {
    keyPrefix: options.prefix,
    lazyConnect: false,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 2,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    // Commands issued in the same event-loop turn (the several lookups of one HTTP request, those of
    // concurrent requests) go to Redis as one pipeline: one round trip and one write instead of many.
    enableAutoPipelining: true,
    // close() only disconnects sockets that never became ready, so there is nothing to wait for;
    // the 2 s default keeps a timer alive on a socket that was refused.
    disconnectTimeout: 100,
  });
  defineKvScripts(redis);
  redis.on('error', (err: Error) => options.logger?.warn({ err }, 'redis connection error'));

  return {
    get: (key) => guarded(() => redis.get(key)),
    async set(key, value, setOptions: SetOptions = {}) {
      assertTtl(setOptions.ttlMs);
      const { ttlMs, onlyIfAbsent } = setOptions;
      const reply = await guarded(() => {
        if (ttlMs !== undefined && onlyIfAbsent === true) return redis.set(key, value, 'PX', ttlMs, 'NX');
        if (ttlMs !== undefined) return redis.set(key, value, 'PX', ttlMs);
        if (onlyIfAbsent === true) return redis.set(key, value, 'NX');
        return redis.set(key, value);
      });
      return reply === 'OK';
    },
    async del(key) {
      await guarded(() => redis.del(key));
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      return guarded(() => redis.mget(keys));
    },
    async setMany(entries, setOptions: SetOptions = {}) {
      assertTtl(setOptions.ttlMs);
      if (entries.length === 0) return [];
      const args = scriptArgs(entries, setOptions.ttlMs);
      const written = await guarded(() => redis.cjoSetMany(...args, setOptions.onlyIfAbsent === true ? '1' : '0'));
      return written.map((reply) => reply === 1);
    },
    async setIfAbsentMany(entries, setOptions = {}) {
      assertTtl(setOptions.ttlMs);
      if (entries.length === 0) return [];
      return guarded(() => redis.cjoSetIfAbsentMany(...scriptArgs(entries, setOptions.ttlMs)));
    },
    async deleteIfValue(entries) {
      if (entries.length === 0) return 0;
      return guarded(() => redis.cjoDeleteIfValue(...scriptArgs(entries)));
    },
    async incrBy(key, by, ttlMs) {
      assertIncrement(by);
      assertTtl(ttlMs);
      const reply = await guarded(() => redis.eval(INCR_BY_WITH_TTL, 1, key, by, ttlMs ?? 0));
      return Number(reply);
    },
    async close() {
      // Auto-pipelined commands leave on a setImmediate; waiting one lets those issued before close()
      // go out ahead of QUIT instead of failing on a closed connection.
      await new Promise((resolve) => setImmediate(resolve));
      // QUIT would wait in the offline queue for a connection that may never come.
      if (redis.status !== 'ready') {
        redis.disconnect();
        return;
      }
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
