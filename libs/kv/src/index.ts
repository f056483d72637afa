export type { Kv, KvEntry, SetOptions } from './types';
export { createRedisKv, type RedisKvOptions } from './redis-kv';
export { createMemoryKv, type MemoryKvOptions } from './memory-kv';
