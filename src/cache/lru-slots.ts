// The in-memory cache's index: string keys to slots, in least-recently-used order, all of it in
// typed arrays (an open-addressed hash of slot numbers, two lists linking the slots: by recency,
// and by where their records sit in the arena; per slot its record's place, hash, charge, expiry). The keys and values themselves are
// bytes in a `RecordArena`, so a stored entry holds no JavaScript object at all.
//
// Why not a `Map` of strings: entries live for thousands of requests, and every miss adds one
// and drops one. Held as strings they cost the collector and the allocator 6–8 µs per miss; see
// record-arena.ts and docs/performance.md ("Response cache").
import { RecordArena } from "./record-arena.ts";

const NONE = -1;

/** String hash (FNV-1a over UTF-16 units): cache keys are digests, so any cheap mix spreads them. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class LruSlots {
  private readonly arena = new RecordArena();
  /** Per slot: its key's hash, its record (offset, key and value lengths in bytes), charge, expiry. */
  private hashes = new Uint32Array(0);
  private offsets = new Float64Array(0);
  private keyLengths = new Int32Array(0);
  private valueLengths = new Int32Array(0);
  private charges = new Float64Array(0);
  private expiries = new Float64Array(0);
  /** The slots from least to most recently used. */
  private readonly recency = new LinkedOrder();
  /** The slots in the order their records were written, which is their order in the arena. */
  private readonly written = new LinkedOrder();
  /** Open addressing with linear probing; a bucket holds slot + 1, 0 when empty. */
  private buckets = new Int32Array(0);
  private mask = 0;
  /** Unused slots, linked through `freeNext`. */
  private free = NONE;
  private freeNext = new Int32Array(0);
  private slots = 0;
  private lastHash = 0;
  size = 0;
  /** What the entries are charged in all (the store's `entryBytes`). */
  bytes = 0;

  constructor(initialSlots = 16) {
    this.grow(initialSlots);
  }

  /** The slot of `key`, or -1. Only well-formed keys can be stored, so no other one is found. */
  find(key: string): number {
    return key.isWellFormed() ? this.lookup(key) : NONE;
  }

  /** Leaves the key's hash in `lastHash` and its UTF-8 bytes in the arena's scratch, for `put`. */
  private lookup(key: string): number {
    const h = (this.lastHash = hashOf(key));
    const keyLength = this.arena.encodeKey(key);
    for (let b = h & this.mask; ; b = (b + 1) & this.mask) {
      const s = this.buckets[b] - 1;
      if (s === NONE) return NONE;
      if (this.hashes[s] === h && this.keyLengths[s] === keyLength && this.arena.keyEquals(this.offsets[s], keyLength))
        return s;
    }
  }

  value(slot: number): string {
    return this.arena.text(this.offsets[slot] + this.keyLengths[slot], this.valueLengths[slot]);
  }

  expiresAt(slot: number): number {
    return this.expiries[slot];
  }

  /** Makes the slot the most recent. */
  touch(slot: number): void {
    if (slot === this.recency.last) return;
    this.recency.unlink(slot);
    this.recency.append(slot);
  }

  /**
   * Adds `key` as the most recent entry, replacing what it held; false (and nothing stored) when
   * the key is not well-formed text (a lone surrogate would not survive UTF-8). Values are JSON
   * text (store.ts), which is always well-formed.
   */
  put(key: string, value: string, charge: number, expiresAt: number): boolean {
    if (!key.isWellFormed()) return false;
    let slot = this.lookup(key);
    const keyLength = this.arena.keyLength;
    if (slot === NONE) {
      if (this.free === NONE) this.grow(2 * this.slots);
      slot = this.free;
      this.free = this.freeNext[slot];
      this.hashes[slot] = this.lastHash;
      this.insertBucket(slot);
      this.size++;
    } else {
      this.release(slot);
      this.recency.unlink(slot);
      this.written.unlink(slot);
    }
    // unlinked while the arena may compact: only linked slots are live records it moves
    this.offsets[slot] = this.arena.append(value, (move) => this.relocate(move));
    this.keyLengths[slot] = keyLength;
    this.valueLengths[slot] = this.arena.lastValueLength;
    this.charges[slot] = charge;
    this.expiries[slot] = expiresAt;
    this.bytes += charge;
    this.recency.append(slot);
    this.written.append(slot);
    return true;
  }

  /** The least recent slot, or -1 when empty. */
  oldest(): number {
    return this.recency.first;
  }

  remove(slot: number): void {
    this.removeBucket(slot);
    this.recency.unlink(slot);
    this.written.unlink(slot);
    this.release(slot);
    this.freeNext[slot] = this.free;
    this.free = slot;
    this.size--;
  }

  private release(slot: number): void {
    this.bytes -= this.charges[slot];
    this.arena.release(this.keyLengths[slot] + this.valueLengths[slot]);
  }

  /** A compaction: every stored record moves, in the order of their offsets. */
  private relocate(move: (offset: number, length: number) => number): void {
    for (let s = this.written.first; s !== NONE; s = this.written.next[s])
      this.offsets[s] = move(this.offsets[s], this.keyLengths[s] + this.valueLengths[s]);
  }

  private insertBucket(slot: number): void {
    let b = this.hashes[slot] & this.mask;
    while (this.buckets[b] !== 0) b = (b + 1) & this.mask;
    this.buckets[b] = slot + 1;
  }

  /** Backward-shift deletion: later entries of the probe run move up, so no tombstones pile up. */
  private removeBucket(slot: number): void {
    let hole = this.hashes[slot] & this.mask;
    while (this.buckets[hole] !== slot + 1) hole = (hole + 1) & this.mask;
    for (let b = (hole + 1) & this.mask; this.buckets[b] !== 0; b = (b + 1) & this.mask) {
      const home = this.hashes[this.buckets[b] - 1] & this.mask;
      // the entry at b may fill the hole only if its home is not within (hole, b]
      if (((b - home) & this.mask) >= ((b - hole) & this.mask)) {
        this.buckets[hole] = this.buckets[b];
        hole = b;
      }
    }
    this.buckets[hole] = 0;
  }

  /** Doubles the slots (new ones go on the free list) and rebuilds the buckets at half load at most. */
  private grow(slots: number): void {
    const old = this.slots;
    this.hashes = widened(this.hashes, slots);
    this.offsets = widened(this.offsets, slots);
    this.keyLengths = widened(this.keyLengths, slots);
    this.valueLengths = widened(this.valueLengths, slots);
    this.charges = widened(this.charges, slots);
    this.expiries = widened(this.expiries, slots);
    this.freeNext = widened(this.freeNext, slots);
    this.recency.widen(slots);
    this.written.widen(slots);
    for (let s = slots - 1; s >= old; s--) {
      this.freeNext[s] = this.free;
      this.free = s;
    }
    this.slots = slots;
    this.buckets = new Int32Array(2 * slots);
    this.mask = 2 * slots - 1;
    for (let s = this.recency.first; s !== NONE; s = this.recency.next[s]) this.insertBucket(s);
  }
}

function widened<T extends Uint32Array | Int32Array | Float64Array>(from: T, length: number): T {
  const into = new (from.constructor as new (n: number) => T)(length);
  into.set(from as never);
  return into;
}

/** A doubly linked list over slot numbers, in two typed arrays. */
class LinkedOrder {
  prev = new Int32Array(0);
  next = new Int32Array(0);
  first = NONE;
  last = NONE;

  append(slot: number): void {
    this.prev[slot] = this.last;
    this.next[slot] = NONE;
    if (this.last === NONE) this.first = slot;
    else this.next[this.last] = slot;
    this.last = slot;
  }

  unlink(slot: number): void {
    const p = this.prev[slot];
    const n = this.next[slot];
    if (p === NONE) this.first = n;
    else this.next[p] = n;
    if (n === NONE) this.last = p;
    else this.prev[n] = p;
  }

  widen(slots: number): void {
    this.prev = widened(this.prev, slots);
    this.next = widened(this.next, slots);
  }
}
