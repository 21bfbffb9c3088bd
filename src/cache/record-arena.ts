// Where the in-memory cache keeps its entries' bytes: one buffer, records appended at the end as
// UTF-8 (key, then value), never as JavaScript strings. A replaced or dropped record is only
// counted as dead; when the buffer is full, the live records slide to the front (or move to a
// larger buffer), so the copying costs O(1) per byte written and the buffer stays within 1.25–4×
// the live bytes (1.5× after it grows).
//
// Why bytes: every miss stores an answer that lives for thousands of requests. Kept as strings in
// a `Map`, a miss cost 4–8 µs in-process more than one that stores nothing, and a full collection
// grew with the entries (57 ms at 300k); here it is 1–4 µs, and 0.6 ms (docs/performance.md,
// "Response cache").
const MIN_CAPACITY = 64 * 1024;
const ENCODER = new TextEncoder();

/** Moves one live record during a compaction: given its offset and length, returns its new offset. */
export type MoveRecord = (offset: number, length: number) => number;

export class RecordArena {
  private buf: Buffer = Buffer.allocUnsafeSlow(0);
  /** The end of the last record written. */
  private end = 0;
  /** Bytes of the records still in use. */
  private live = 0;

  /** The last key encoded, as UTF-8 (the buffer grows as needed). */
  private scratch = Buffer.allocUnsafeSlow(256);
  private scratchLength = 0;
  /** The length in bytes of the value `append` last wrote. */
  lastValueLength = 0;

  /** Encodes a key once, for `keyEquals` and `append` to use; returns its length in bytes. */
  encodeKey(key: string): number {
    if (3 * key.length > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(3 * key.length);
    this.scratchLength = this.scratch.write(key, 0, "utf8");
    return this.scratchLength;
  }

  get keyLength(): number {
    return this.scratchLength;
  }

  /** Whether the record at `offset` starts with the key last encoded (the caller checked its length). */
  keyEquals(offset: number, keyLength: number): boolean {
    return this.scratch.compare(this.buf, offset, offset + keyLength, 0, keyLength) === 0;
  }

  /**
   * Appends the key last encoded and `value`, returning the record's offset (its value's length
   * in bytes is then `lastValueLength`). `relocate` hands every live record to `move` in the
   * order of their offsets (the order they were written) when the buffer must be compacted first.
   */
  append(value: string, relocate: (move: MoveRecord) => void): number {
    const need = this.scratchLength + 3 * value.length;
    if (this.end + need > this.buf.length) this.compact(need, relocate);
    const offset = this.end;
    this.buf.set(this.scratch.subarray(0, this.scratchLength), offset);
    // encodeInto reads a value built by concatenation (a rope) without flattening it first
    this.lastValueLength = ENCODER.encodeInto(value, this.buf.subarray(offset + this.scratchLength)).written;
    this.end = offset + this.scratchLength + this.lastValueLength;
    this.live += this.scratchLength + this.lastValueLength;
    return offset;
  }

  text(offset: number, length: number): string {
    return this.buf.toString("utf8", offset, offset + length);
  }

  /** A record no longer in use: its bytes are reclaimed at the next compaction. */
  release(length: number): void {
    this.live -= length;
  }

  /**
   * Slides the live records to the front, in address order (`relocate` hands them over that way),
   * when that frees at least a fifth of the buffer; otherwise copies them into a buffer sized
   * 1.5× what is needed. In place, the pages are already resident: a fresh buffer costs a page
   * fault per 4 KB written, and two buffers would double what the cache holds.
   */
  private compact(need: number, relocate: (move: MoveRecord) => void): void {
    const needed = this.live + need;
    const inPlace = 5 * needed <= 4 * this.buf.length && 4 * needed >= this.buf.length;
    const from = this.buf;
    const into = inPlace ? from : Buffer.allocUnsafeSlow(Math.max(MIN_CAPACITY, Math.ceil(1.5 * needed)));
    let end = 0;
    relocate((offset, length) => {
      if (into !== from || offset !== end) from.copy(into, end, offset, offset + length);
      end += length;
      return end - length;
    });
    this.buf = into;
    this.end = end;
  }
}
