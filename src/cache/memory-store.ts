// The in-memory response cache store: per caching rule one LRU bounded by entries and by bytes,
// with lazy TTL expiry, all on the injected clock. Each partition is an `LruSlots`: typed arrays
// and a byte arena, no JavaScript object per entry (lru-slots.ts and record-arena.ts say why).
import type { Clock } from "../runtime/ports.ts";
import { LruSlots } from "./lru-slots.ts";
import type { CachePlacement, CacheStoreStats, ResponseCacheStore } from "./store.ts";

/**
 * What one entry is charged against `max_bytes`: its text and key as UTF-16 plus a fixed overhead,
 * the same in every store (docs/language.md). The arena holds about half of it for ASCII JSON.
 */
export function entryBytes(key: string, value: string): number {
  return 2 * (key.length + value.length) + 64;
}

export class MemoryCacheStore implements ResponseCacheStore {
  private readonly partitions = new Map<string, LruSlots>();
  private evictions = 0;
  private expirations = 0;

  constructor(private readonly clock: Clock) {}

  get(partition: string, key: string): string | null {
    const p = this.partitions.get(partition);
    const slot = p === undefined ? -1 : p.find(key);
    if (p === undefined || slot === -1) return null;
    if (this.clock.now() >= p.expiresAt(slot)) {
      p.remove(slot);
      this.expirations++;
      return null;
    }
    p.touch(slot);
    return p.value(slot);
  }

  set(key: string, value: string, place: CachePlacement): void {
    const bytes = entryBytes(key, value);
    if (bytes > place.maxBytes) return; // could never fit: keep what is there
    let p = this.partitions.get(place.partition);
    if (p === undefined) this.partitions.set(place.partition, (p = new LruSlots()));
    const now = this.clock.now();
    // text that cannot be stored as it is (a lone surrogate) is not stored: a miss, never a wrong answer
    if (p.put(key, value, bytes, now + place.ttlMs)) this.evict(p, place, now);
  }

  /** Least recently used first; an expired entry on the way out counts as expired, not evicted. */
  private evict(p: LruSlots, place: CachePlacement, now: number): void {
    while (p.size > place.maxEntries || p.bytes > place.maxBytes) {
      const oldest = p.oldest();
      if (now >= p.expiresAt(oldest)) this.expirations++;
      else this.evictions++;
      p.remove(oldest);
    }
  }

  stats(): CacheStoreStats {
    let entries = 0;
    let bytes = 0;
    for (const p of this.partitions.values()) {
      entries += p.size;
      bytes += p.bytes;
    }
    return { entries, bytes, evictions: this.evictions, expirations: this.expirations };
  }
}
