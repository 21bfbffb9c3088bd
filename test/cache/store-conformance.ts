// One conformance suite for every response cache store (as test/shared-state/store-conformance.ts
// is for the shared stores): the in-memory LRU and the Redis store must keep the same entries,
// bounds and counters. A backend opens a fresh, empty store per test and makes an entry stored with
// its short ttl expire: the memory store by moving its manual clock, Redis by waiting (bounded) on
// its own clock until it dropped the key.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { entryBytes } from "../../src/cache/memory-store.ts";
import type { CachePlacement, ResponseCacheStore } from "../../src/cache/store.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";

export interface OpenedStore {
  store: ResponseCacheStore;
  /** Resolves once the entry (stored with `shortTtlMs`) is past its ttl. */
  expire(partition: string, key: string): Promise<void>;
}

export interface CacheStoreBackend {
  open(): OpenedStore;
  /** A ttl short enough to wait out; entries stored with it are only ever read after `expire`. */
  shortTtlMs: number;
  close(): Promise<void>;
}

const place = (over: Partial<CachePlacement> = {}): CachePlacement => ({
  partition: "chat#0",
  ttlMs: 600_000,
  maxEntries: 100,
  maxBytes: 1_000_000,
  ...over,
});

export function cacheStoreConformance(start: () => Promise<CacheStoreBackend>): void {
  let backend: CacheStoreBackend;
  beforeAll(async () => void (backend = await start()));
  afterAll(async () => backend.close());

  test("a stored entry reads back; an unknown key is a miss; a second set replaces the first", async () => {
    const { store } = backend.open();
    expect(await store.get("chat#0", "k")).toBeNull();
    await store.set("k", "first", place());
    expect(await store.get("chat#0", "k")).toBe("first");
    await store.set("k", "second answer", place());
    expect(await store.get("chat#0", "k")).toBe("second answer");
    expect(await store.get("chat#0", "other")).toBeNull();
    expect(store.stats()).toEqual({
      entries: 1,
      bytes: entryBytes("k", "second answer"),
      evictions: 0,
      expirations: 0,
    });
  });

  test("an entry is a miss once its ttl passed, and is counted as expired, not evicted", async () => {
    const opened = backend.open();
    const { store } = opened;
    await store.set("long", "stays", place());
    await store.set("short", "goes", place({ ttlMs: backend.shortTtlMs }));
    await opened.expire("chat#0", "short");
    expect(await store.get("chat#0", "short")).toBeNull();
    expect(await store.get("chat#0", "long")).toBe("stays");
    expect(store.stats()).toEqual({ entries: 1, bytes: entryBytes("long", "stays"), evictions: 0, expirations: 1 });
  });

  test("past max_entries the least recently used goes; a hit makes an entry recent", async () => {
    const { store } = backend.open();
    const p = place({ maxEntries: 2 });
    await store.set("a", "1", p);
    await store.set("b", "2", p);
    expect(await store.get("chat#0", "a")).toBe("1"); // b is now the least recent
    await store.set("c", "3", p);
    expect(await store.get("chat#0", "b")).toBeNull();
    expect(await store.get("chat#0", "a")).toBe("1");
    expect(await store.get("chat#0", "c")).toBe("3");
    expect(store.stats()).toMatchObject({ entries: 2, evictions: 1 });
  });

  test("bytes stay within max_bytes; an entry larger than the bound is not stored", async () => {
    const { store } = backend.open();
    const value = "x".repeat(100);
    const one = entryBytes("k0", value);
    const p = place({ maxBytes: one * 3 });
    for (let i = 0; i < 5; i++) await store.set(`k${i}`, value, p);
    expect(store.stats()).toEqual({ entries: 3, bytes: one * 3, evictions: 2, expirations: 0 });
    expect(await store.get("chat#0", "k1")).toBeNull();
    expect(await store.get("chat#0", "k2")).toBe(value);
    await store.set("huge", "y".repeat(one * 3), p);
    expect(await store.get("chat#0", "huge")).toBeNull();
    expect(store.stats().entries).toBe(3);
  });

  test("an expired entry reached by eviction counts as expired and frees its room", async () => {
    const opened = backend.open();
    const { store } = opened;
    const p = place({ maxEntries: 2 });
    await store.set("old", "1", { ...p, ttlMs: backend.shortTtlMs });
    await store.set("b", "2", p);
    await opened.expire("chat#0", "old");
    await store.set("c", "3", p); // over the bound: "old" is the least recent, and already expired
    expect(store.stats()).toMatchObject({ entries: 2, evictions: 0, expirations: 1 });
    expect(await store.get("chat#0", "b")).toBe("2");
    expect(await store.get("chat#0", "c")).toBe("3");
  });

  test("partitions (one per caching rule) keep their own bounds", async () => {
    const { store } = backend.open();
    await store.set("k", "a", place({ maxEntries: 1 }));
    await store.set("k", "b", place({ partition: "chat#1", maxEntries: 1 }));
    await store.set("k2", "c", place({ partition: "chat#1", maxEntries: 1 }));
    expect(await store.get("chat#0", "k")).toBe("a");
    expect(await store.get("chat#1", "k")).toBeNull();
    expect(await store.get("chat#1", "k2")).toBe("c");
    expect(store.stats()).toMatchObject({ entries: 2, evictions: 1 });
  });

  test("a run of lookups, stores and evictions keeps exact LRU order (against a plain list)", async () => {
    const { store } = backend.open();
    const p = place({ maxEntries: 8 });
    const model: string[] = [];
    const random = new SeededRandom(11);
    for (let i = 0; i < 300; i++) {
      const key = `k${Math.floor(random.next() * 14)}`;
      const found = await store.get("chat#0", key);
      const at = model.indexOf(key);
      expect(found === null).toBe(at === -1);
      if (at !== -1) model.splice(at, 1);
      model.push(key);
      if (found === null) await store.set(key, "v", p);
      if (model.length > 8) model.shift();
    }
    expect(store.stats().entries).toBe(model.length);
    for (const key of model) expect(await store.get("chat#0", key)).toBe("v");
  });
}
