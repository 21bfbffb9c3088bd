// Which HTTP client carries an upstream's streams. Bun's fetch (1.4.5) drops the bytes that
// arrive together with a connection close when the upstream omits the chunked terminator, so a
// finished stream from such an upstream looked cut (issue 9, item 2). node:http delivers those
// bytes, but under load it costs ~60-90 µs more CPU per stream (a third of the streaming
// throughput, docs/performance.md). So the choice is made per origin, from what the origin does:
// its streams go over node:http until it has ended TRUSTED_AFTER streams in a row with the
// terminator, and over fetch from then on; a stream of it that breaks mid-body (a failed read under
// fetch, or a close without the terminator that the gateway did not cause under node:http) sends
// it back to node:http. An upstream that always closes that way never leaves node:http; one that
// starts doing it after being trusted costs one stream, which the engine sees as a break and
// handles as such (continuation or a clean error), never as a complete answer.

/** Clean endings in a row after which an origin's streams go over fetch. */
export const TRUSTED_AFTER = 100;
/** Origins are the policy's providers: few. A bound, not an eviction policy. */
const MAX_ORIGINS = 10_000;

export class StreamTrust {
  /** Per origin: streams ended with the terminator since its last broken one. */
  readonly #clean = new Map<string, number>();

  /** Whether the origin's streams may go over fetch. */
  trusted(origin: string): boolean {
    return (this.#clean.get(origin) ?? 0) >= TRUSTED_AFTER;
  }

  /** A stream of the origin ended with the chunked terminator (or a length that was met). */
  ended(origin: string): void {
    const n = this.#clean.get(origin) ?? 0;
    if (n >= TRUSTED_AFTER) return;
    if (n === 0 && this.#clean.size >= MAX_ORIGINS) this.#clean.clear();
    this.#clean.set(origin, n + 1);
  }

  /** A stream of the origin lost its connection before the body ended, and not by our hand. */
  broke(origin: string): void {
    this.#clean.set(origin, 0);
  }
}

/** `scheme://host:port` of an absolute URL, without parsing the rest (this runs per stream). */
export function originOf(url: string): string {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash < 0 ? url : url.slice(0, slash);
}
