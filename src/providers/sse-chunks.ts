// Turns an upstream SSE body into the engine's chunk iterator. Shared by the OpenAI and Anthropic
// adapters, which differ only in how one event becomes chunks. Written as a hand-made iterator
// (a class) rather than an async generator so `return()` can cancel the body reader even while a read is
// pending: a generator would queue the return until the stalled upstream sent another byte.
import type { ChatChunk, ChunkStream } from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { SseParser, type SseEvent } from "./sse.ts";
import { networkCode } from "./network-code.ts";

export interface EventTranslator {
  /** Chunks for one event; `done` ends the stream. Throws UpstreamError for in-band errors. */
  onEvent(event: SseEvent): { chunks: ChatChunk[]; done: boolean };
  /** The body ended without an explicit end: return final chunks, or throw `cut`. */
  onEnd(): ChatChunk[];
}

export type ChunkIterator = ChunkStream &
  AsyncIterable<ChatChunk> & { takeQueued(): ChatChunk | undefined; ended(): boolean };

/** `onBroken`: told when a read fails that our own abort did not cause (the transport learns from it). */
export function sseChunks(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  translator: EventTranslator,
  onBroken?: () => void,
): ChunkIterator {
  return new SseChunkReader(body, signal, translator, onBroken);
}

class SseChunkReader implements ChunkIterator {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  readonly #parser = new SseParser();
  readonly #queue: ChatChunk[] = [];
  #head = 0;
  #finished = false;
  /** An error found while queueing: thrown only after the chunks before it were delivered. */
  #failure: unknown = null;
  readonly #release = (): void => {
    if (this.#finished) return;
    this.#finished = true;
    this.signal.removeEventListener("abort", this.#release);
    this.#reader.cancel().catch(() => {}); // the connection may already be gone; nothing left to release
  };

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly signal: AbortSignal,
    private readonly translator: EventTranslator,
    private readonly onBroken: (() => void) | undefined,
  ) {
    this.#reader = body.getReader();
    signal.addEventListener("abort", this.#release, { once: true });
  }

  takeQueued(): ChatChunk | undefined {
    if (this.#head === this.#queue.length) return undefined;
    const chunk = this.#queue[this.#head++];
    if (this.#head === this.#queue.length) this.#queue.length = this.#head = 0;
    return chunk;
  }

  ended(): boolean {
    return this.#finished && this.#head === this.#queue.length;
  }

  async next(): Promise<IteratorResult<ChatChunk>> {
    for (;;) {
      const ready = this.takeQueued();
      if (ready !== undefined) return { value: ready, done: false };
      if (this.#failure !== null) {
        const err = this.#failure;
        this.#failure = null;
        throw err;
      }
      if (this.#finished) return { value: undefined, done: true };
      let read: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;
      try {
        read = await this.#reader.read();
      } catch (err) {
        this.#release();
        if (this.signal.aborted) throw this.signal.reason ?? err; // our own abort: the engine knows why
        this.onBroken?.();
        throw new UpstreamError("cut", `stream broke mid-body (${networkCode(err)})`);
      }
      if (this.signal.aborted) throw this.signal.reason;
      if (this.#finished) return { value: undefined, done: true }; // return() was called during the read
      if (read.done) this.#feed(this.#parser.end(), true);
      else this.#feed(this.#parser.push(this.#decoder.decode(read.value, { stream: true })), false);
    }
  }

  async return(): Promise<IteratorResult<ChatChunk>> {
    this.#queue.length = this.#head = 0;
    this.#failure = null;
    this.#release();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #feed(events: SseEvent[], atEnd: boolean): void {
    try {
      for (const event of events) {
        const { chunks, done } = this.translator.onEvent(event);
        for (const chunk of chunks) this.#queue.push(chunk);
        if (done) return this.#release();
      }
      if (atEnd) {
        for (const chunk of this.translator.onEnd()) this.#queue.push(chunk);
        this.#release();
      }
    } catch (err) {
      this.#failure = err;
      this.#release();
    }
  }
}
