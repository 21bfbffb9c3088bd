// Turns an upstream SSE body into the engine's chunk iterator. Shared by the OpenAI and Anthropic
// adapters, which differ only in how one event becomes chunks. Written as a hand-made iterator
// rather than an async generator so `return()` can cancel the body reader even while a read is
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

export type ChunkIterator = ChunkStream & AsyncIterable<ChatChunk> & { takeQueued(): ChatChunk | undefined };

export function sseChunks(body: ReadableStream<Uint8Array>, signal: AbortSignal, translator: EventTranslator): ChunkIterator {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const queue: ChatChunk[] = [];
  let head = 0;
  let finished = false;

  const release = (): void => {
    if (finished) return;
    finished = true;
    signal.removeEventListener("abort", release);
    reader.cancel().catch(() => {}); // the connection may already be gone; nothing left to release
  };
  signal.addEventListener("abort", release, { once: true });

  const take = (): IteratorResult<ChatChunk> | null => {
    if (head < queue.length) {
      const chunk = queue[head++];
      if (head === queue.length) queue.length = head = 0;
      return { value: chunk, done: false };
    }
    return null;
  };

  /** An error found while queueing: thrown only after the chunks before it were delivered. */
  let failure: unknown = null;

  const feed = (events: SseEvent[], atEnd: boolean): void => {
    try {
      for (const event of events) {
        const { chunks, done } = translator.onEvent(event);
        for (const chunk of chunks) queue.push(chunk);
        if (done) return release();
      }
      if (atEnd) {
        for (const chunk of translator.onEnd()) queue.push(chunk);
        release();
      }
    } catch (err) {
      failure = err;
      release();
    }
  };

  const next = async (): Promise<IteratorResult<ChatChunk>> => {
    for (;;) {
      const ready = take();
      if (ready) return ready;
      if (failure !== null) {
        const err = failure;
        failure = null;
        throw err;
      }
      if (finished) return { value: undefined, done: true };
      let read: Awaited<ReturnType<typeof reader.read>>;
      try {
        read = await reader.read();
      } catch (err) {
        release();
        if (signal.aborted) throw signal.reason ?? err; // our own abort: the engine knows why
        throw new UpstreamError("cut", `stream broke mid-body (${networkCode(err)})`);
      }
      if (signal.aborted) throw signal.reason;
      if (finished) return { value: undefined, done: true }; // return() was called during the read
      if (read.done) feed(parser.end(), true);
      else feed(parser.push(decoder.decode(read.value, { stream: true })), false);
    }
  };

  const iterator: ChunkIterator = {
    next,
    takeQueued() {
      if (head === queue.length) return undefined;
      const chunk = queue[head++];
      if (head === queue.length) queue.length = head = 0;
      return chunk;
    },
    async return(): Promise<IteratorResult<ChatChunk>> {
      queue.length = head = 0;
      failure = null;
      release();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
