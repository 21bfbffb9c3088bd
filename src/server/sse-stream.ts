// Turns the engine's StreamEvents into an OpenAI-style SSE body. Each event is written and flushed
// as soon as the engine yields it (no buffering); an error ends the stream without `[DONE]` so a
// broken stream can never look like a complete one; a cancelled body aborts the engine request.
import type { StreamEvent } from "../runtime/api.ts";
import { errorBody } from "./errors.ts";

export type StreamEnd = "done" | "error" | "cancelled";

export interface SseOptions {
  /** Aborted when the client goes away, so the engine releases the upstream. */
  abort: AbortController;
  /** Called before the first chunk is enqueued (for time-to-first-token). */
  onFirstChunk?(): void;
  /** Called exactly once, when the body ends for any reason. */
  onEnd(end: StreamEnd): void;
}

const encoder = new TextEncoder();
const DONE = encoder.encode("data: [DONE]\n\n");

export function frame(data: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(data)}\n\n`);
}

/**
 * A Bun "direct" stream: Bun.serve calls `pull` once and the loop writes each event as it comes,
 * flushing it at once. A pull-based stream costs a promise round trip through the stream
 * machinery per event, which measured ~1 µs per event more on the bench's nine-event replies.
 * Awaiting a write or flush that reports backpressure keeps a slow client from buffering ahead.
 */
export function sseBody(events: AsyncIterable<StreamEvent>, opts: SseOptions): ReadableStream<Uint8Array> {
  const iterator = events[Symbol.asyncIterator]();
  let ended = false;
  let sentChunk = false;
  const end = (how: StreamEnd): void => {
    if (ended) return;
    ended = true;
    opts.onEnd(how);
  };

  /** One event out; true once the stream is over. */
  const emit = async (controller: ReadableStreamDirectController, next: IteratorResult<StreamEvent>): Promise<boolean> => {
    if (next.done) {
      // The engine promised a terminal event; ending silently would look like a complete stream.
      controller.write(frame(errorBody("the stream ended without completing", "upstream_error", "stream_incomplete")));
      controller.close();
      end("error");
      return true;
    }
    const event = next.value;
    if (event.type === "chunk") {
      if (!sentChunk) {
        sentChunk = true;
        opts.onFirstChunk?.();
      }
      const written = controller.write(frame(event.chunk));
      const flushed = controller.flush();
      if (typeof written !== "number") await written;
      if (typeof flushed !== "number") await flushed;
      return false;
    }
    controller.write(event.type === "done" ? DONE : frame(event.error));
    controller.close();
    end(event.type === "done" ? "done" : "error");
    return true;
  };

  const source = {
    type: "direct" as const,
    async pull(controller: ReadableStreamDirectController) {
      for (;;) {
        let next: IteratorResult<StreamEvent>;
        try {
          next = await iterator.next();
        } catch {
          next = { done: false, value: { type: "error", error: errorBody("the stream failed inside the gateway", "server_error", "stream_failed") } };
        }
        if (ended) return; // cancelled while waiting
        if (await emit(controller, next)) return;
      }
    },
    async cancel() {
      end("cancelled");
      opts.abort.abort(new DOMException("client disconnected", "AbortError"));
      await iterator.return?.();
    },
  };
  return new ReadableStream(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}
