import type { Redis, Result } from 'ioredis';
import type { KvEntry } from './types';

// Each script takes its keys as KEYS (so ioredis applies the key prefix) and, per key, its value
// at the same index of ARGV; ARGV[#KEYS + 1] is the expiry in ms where a script sets keys (0: none).

const SET = `local function set(key, value, ttl)
  if ttl > 0 then redis.call('SET', key, value, 'PX', ttl) else redis.call('SET', key, value) end
end
`;

// ARGV[#KEYS + 2] is '1' for only-if-absent; one reply per key, 1 when written.
const SET_MANY = `${SET}
local ttl = tonumber(ARGV[#KEYS + 1])
local onlyIfAbsent = ARGV[#KEYS + 2] == '1'
local written = {}
for i, key in ipairs(KEYS) do
  if onlyIfAbsent and redis.call('EXISTS', key) == 1 then written[i] = 0 else set(key, ARGV[i], ttl); written[i] = 1 end
end
return written`;

// false in the reply table becomes a nil entry: "written".
const SET_IF_ABSENT_MANY = `${SET}
local ttl = tonumber(ARGV[#KEYS + 1])
local replies = {}
for i, key in ipairs(KEYS) do
  local existing = redis.call('GET', key)
  if existing then replies[i] = existing else set(key, ARGV[i], ttl); replies[i] = false end
end
return replies`;

const DELETE_IF_VALUE = `
local deleted = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then redis.call('DEL', key); deleted = deleted + 1 end
end
return deleted`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    cjoSetMany(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Result<number[], Context>;
    cjoSetIfAbsentMany(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Result<Array<string | null>, Context>;
    cjoDeleteIfValue(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Result<number, Context>;
  }
}

/** Registers the scripts; ioredis runs them by SHA (EVALSHA), loading each once per connection. */
export function defineKvScripts(redis: Redis): void {
  redis.defineCommand('cjoSetMany', { lua: SET_MANY });
  redis.defineCommand('cjoSetIfAbsentMany', { lua: SET_IF_ABSENT_MANY });
  redis.defineCommand('cjoDeleteIfValue', { lua: DELETE_IF_VALUE });
}

/** numberOfKeys, the keys, their values, then the expiry (0: none; ignored by DELETE_IF_VALUE). */
export function scriptArgs(entries: KvEntry[], ttlMs?: number): [number, ...Array<string | number>] {
  return [entries.length, ...entries.map((entry) => entry.key), ...entries.map((entry) => entry.value), ttlMs ?? 0];
}
