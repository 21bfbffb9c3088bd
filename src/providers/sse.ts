// Incremental Server-Sent Events parsing. Upstreams stream their replies as SSE; we must hand the
// engine each event as soon as its bytes arrive, whatever way the network split them (mid-line,
// mid-CRLF, mid-UTF-8 sequence), so this parser keeps only the unfinished line and event in memory.

/** One dispatched SSE event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseEvent {
  /** The `event:` field, or null when the event had none (the spec's default `message`). */
  event: string | null;
  /** All `data:` lines joined with `\n`. */
  data: string;
}

/**
 * Feed text with `push`, collect complete events. Lines end in LF, CRLF or a lone CR; a CR at the
 * very end of a piece is held back until the next piece shows whether an LF follows it.
 */
export class SseParser {
  private rest = "";
  private event: string | null = null;
  private data: string[] = [];

  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    const buf = this.rest.length === 0 ? text : this.rest + text;
    let start = 0;
    // Almost every upstream ends lines with LF alone: find them natively instead of scanning
    // character by character (this runs for every event of every stream).
    if (buf.indexOf("\r") < 0) {
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n", start)) {
        this.line(buf.slice(start, nl), out);
        start = nl + 1;
      }
      this.rest = start === 0 ? buf : buf.slice(start);
      return out;
    }
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 13) {
        if (i + 1 === buf.length) break; // wait for the next piece: this CR may start a CRLF
        this.line(buf.slice(start, i), out);
        if (buf.charCodeAt(i + 1) === 10) i++;
      } else {
        this.line(buf.slice(start, i), out);
      }
      start = i + 1;
    }
    this.rest = buf.slice(start);
    return out;
  }

  /**
   * The body ended. The spec discards an event without its closing blank line; we dispatch it
   * instead, because an upstream that drops the connection right after its last `data:` line still
   * told us something (a finish_reason, an error) that decides between a clean end and a cut.
   */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.rest.length > 0) this.line(this.rest.endsWith("\r") ? this.rest.slice(0, -1) : this.rest, out);
    this.rest = "";
    this.line("", out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      if (this.data.length > 0)
        out.push({ event: this.event, data: this.data.length === 1 ? this.data[0]! : this.data.join("\n") });
      this.event = null;
      this.data.length = 0;
      return;
    }
    if (line.startsWith("data: ")) {
      this.data.push(line.slice(6)); // the usual form, without splitting field and value
      return;
    }
    if (line.charCodeAt(0) === 58) return; // `:` comment, used as keepalive
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    // `id:` and `retry:` concern EventSource reconnection, which never applies to a POST reply.
  }
}
