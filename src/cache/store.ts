// Where cached answers live, behind one small interface: the in-memory LRU (memory-store.ts), or
// Redis shared by every instance when the policy has `shared_state` (redis-store.ts; TTL kept by
// Redis). Values are JSON text (entry.ts: the answer and what it cost), so a store never holds live
// objects and a hit hands out a fresh copy.

/** Where an entry goes and the bounds of that place: one partition per caching rule. */
export interface CachePlacement {
  /** The rule (`route#rule`) whose settings give the bounds below. */
  partition: string;
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
}

export interface CacheStoreStats {
  entries: number;
  bytes: number;
  /** Entries dropped to stay within `max_entries` / `max_bytes`. */
  evictions: number;
  /** Entries found past their ttl (expiry is lazy: on lookup, or when eviction reaches them). */
  expirations: number;
}

/**
 * A store may answer at once (the in-memory one does: a miss then costs no promise) or later (a
 * shared store over the network); either way a failure is a miss, never a failed request.
 */
export interface ResponseCacheStore {
  get(partition: string, key: string): string | null | Promise<string | null>;
  set(key: string, value: string, place: CachePlacement): void | Promise<void>;
  stats(): CacheStoreStats;
}
