// The in-memory response cache store: per caching rule one LRU bounded by entries and by bytes,
// with lazy TTL expiry, all on the injected clock (a Map keeps insertion order, so re-inserting
// an entry on a hit makes it the most recent and the first key is the least recent).
//
// The least recent key is read from one live iterator kept per partition, never from a fresh
// `entries()`: a Map leaves a deleted slot behind until it rehashes, and a fresh iterator walks
// every one of them, so evicting from the front cost O(entries) per miss (7 µs at 10k entries,
// 26 µs at 100k). A live iterator passes each slot once.
import type { Clock } from "../runtime/ports.ts";
import type { CachePlacement, CacheStoreStats, ResponseCacheStore } from "./store.ts";

interface Entry {
  value: string;
  bytes: number;
  expiresAt: number;
}

interface Partition {
  entries: Map<string, Entry>;
  bytes: number;
  /** Walks the keys oldest first; a key re-inserted on a hit comes round again at the end. */
  order: Iterator<string> | null;
}

/** What one entry is charged: its text and key as UTF-16 (what the heap holds), plus a fixed overhead. */
export function entryBytes(key: string, value: string): number {
  return 2 * (key.length + value.length) + 64;
}

/** The partition's least recent key (it has one: the caller evicts only from a non-empty partition). */
function oldestOf(p: Partition): string {
  let next = p.order?.next();
  if (next === undefined || next.done === true) {
    // an iterator that reached the end stays done even after new keys: start a new one
    p.order = p.entries.keys();
    next = p.order.next();
  }
  return next.value as string;
}

export class MemoryCacheStore implements ResponseCacheStore {
  private readonly partitions = new Map<string, Partition>();
  private evictions = 0;
  private expirations = 0;

  constructor(private readonly clock: Clock) {}

  get(partition: string, key: string): string | null {
    const p = this.partitions.get(partition);
    const e = p?.entries.get(key);
    if (p === undefined || e === undefined) return null;
    p.entries.delete(key);
    if (this.clock.now() >= e.expiresAt) {
      p.bytes -= e.bytes;
      this.expirations++;
      return null;
    }
    p.entries.set(key, e);
    return e.value;
  }

  set(key: string, value: string, place: CachePlacement): void {
    const bytes = entryBytes(key, value);
    if (bytes > place.maxBytes) return; // could never fit: keep what is there
    let p = this.partitions.get(place.partition);
    if (p === undefined) this.partitions.set(place.partition, (p = { entries: new Map(), bytes: 0, order: null }));
    const old = p.entries.get(key);
    if (old !== undefined) {
      p.entries.delete(key);
      p.bytes -= old.bytes;
    }
    const now = this.clock.now();
    p.entries.set(key, { value, bytes, expiresAt: now + place.ttlMs });
    p.bytes += bytes;
    this.evict(p, place, now);
  }

  /** Least recently used first; an expired entry on the way out counts as expired, not evicted. */
  private evict(p: Partition, place: CachePlacement, now: number): void {
    while (p.entries.size > place.maxEntries || p.bytes > place.maxBytes) {
      const oldestKey = oldestOf(p);
      const oldest = p.entries.get(oldestKey)!;
      p.entries.delete(oldestKey);
      p.bytes -= oldest.bytes;
      if (now >= oldest.expiresAt) this.expirations++;
      else this.evictions++;
    }
  }

  stats(): CacheStoreStats {
    let entries = 0;
    let bytes = 0;
    for (const p of this.partitions.values()) {
      entries += p.entries.size;
      bytes += p.bytes;
    }
    return { entries, bytes, evictions: this.evictions, expirations: this.expirations };
  }
}
