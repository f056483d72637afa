export interface SetOptions {
  /** Expire the key this many milliseconds from now (a positive integer). Without it the key never expires. */
  ttlMs?: number;
  /** Only set when the key does not exist; `set` then resolves false if it did. */
  onlyIfAbsent?: boolean;
}

export interface KvEntry {
  key: string;
  value: string;
}

/**
 * A small key-value store; every key is stored under the store's prefix. The `*Many` operations
 * are one round trip for any number of keys, each key handled atomically.
 */
export interface Kv {
  get(key: string): Promise<string | null>;
  /** The values of several keys in one round trip, in the order asked (null where missing). */
  getMany(keys: string[]): Promise<Array<string | null>>;
  /** Resolves true when the value was written. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /**
   * Sets several keys in one round trip, each as `set` would with the same options (with
   * `onlyIfAbsent`, each key on its own); resolves, per entry in order, whether it was written.
   */
  setMany(entries: KvEntry[], options?: SetOptions): Promise<boolean[]>;
  del(key: string): Promise<void>;
  /**
   * Writes each entry whose key does not exist; per entry, in order, null when it was written,
   * else the value the key already held (which is left as it was).
   */
  setIfAbsentMany(entries: KvEntry[], options?: { ttlMs?: number }): Promise<Array<string | null>>;
  /** Deletes each key that holds exactly the entry's value (compare and delete); resolves how many went. */
  deleteIfValue(entries: KvEntry[]): Promise<number>;
  /**
   * Adds `by` to an integer counter (a missing key counts as 0) and returns the new value.
   * `ttlMs` is applied only when the key has no expiry yet, so later increments do not extend a window.
   */
  incrBy(key: string, by: number, ttlMs?: number): Promise<number>;
  close(): Promise<void>;
}
