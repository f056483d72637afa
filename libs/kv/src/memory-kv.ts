import { assertIncrement, assertTtl, notAnInteger } from './kv-errors';
import type { Kv, SetOptions } from './types';

export interface MemoryKvOptions {
  prefix?: string;
  /** The clock TTLs are measured with; tests pass a fake one. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number | undefined;
}

/** An in-process Kv with Redis semantics; expired keys are dropped when next touched. */
export function createMemoryKv(options: MemoryKvOptions = {}): Kv {
  const prefix = options.prefix ?? '';
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(prefix + key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(prefix + key);
      return undefined;
    }
    return entry;
  }

  const expiryOf = (ttlMs: number | undefined) => (ttlMs === undefined ? undefined : now() + ttlMs);

  function setOne(key: string, value: string, setOptions: SetOptions): boolean {
    if (setOptions.onlyIfAbsent === true && live(key) !== undefined) return false;
    entries.set(prefix + key, { value, expiresAt: expiryOf(setOptions.ttlMs) });
    return true;
  }

  return {
    async get(key) {
      return live(key)?.value ?? null;
    },
    async getMany(keys) {
      return keys.map((key) => live(key)?.value ?? null);
    },
    async set(key, value, setOptions: SetOptions = {}) {
      assertTtl(setOptions.ttlMs);
      return setOne(key, value, setOptions);
    },
    async setMany(many, setOptions: SetOptions = {}) {
      assertTtl(setOptions.ttlMs);
      return many.map(({ key, value }) => setOne(key, value, setOptions));
    },
    async del(key) {
      entries.delete(prefix + key);
    },
    async setIfAbsentMany(written, setOptions = {}) {
      assertTtl(setOptions.ttlMs);
      const expiresAt = expiryOf(setOptions.ttlMs);
      return written.map(({ key, value }) => {
        const existing = live(key);
        if (existing !== undefined) return existing.value;
        entries.set(prefix + key, { value, expiresAt });
        return null;
      });
    },
    async deleteIfValue(expected) {
      let deleted = 0;
      for (const { key, value } of expected) {
        if (live(key)?.value === value) {
          entries.delete(prefix + key);
          deleted += 1;
        }
      }
      return deleted;
    },
    async incrBy(key, by, ttlMs) {
      assertIncrement(by);
      assertTtl(ttlMs);
      const entry = live(key);
      if (entry !== undefined && !/^-?\d+$/.test(entry.value)) throw notAnInteger(key);
      const next = (entry === undefined ? 0 : Number(entry.value)) + by;
      entries.set(prefix + key, { value: String(next), expiresAt: entry?.expiresAt ?? expiryOf(ttlMs) });
      return next;
    },
    async close() {
      entries.clear();
    },
  };
}
