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

const DONE = "data: [DONE]\n\n";

/** One SSE event as text: the direct stream encodes it while writing, so no Uint8Array per event. */
export function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/**
 * A Bun "direct" stream: Bun.serve calls `pull` once and the loop writes each event as it comes.
 * A pull-based stream costs a promise round trip through the stream machinery per event, and a
 * flush per event costs a write syscall each even when the upstream delivered ten at once; here a
 * flush happens whenever the next event is not already in memory. Awaiting a write or flush that
 * reports backpressure keeps a slow client from buffering ahead.
 */
/** Microtask turns an event already read from the upstream needs to come through the engine. */
const SOON_TURNS = 32;

async function settlesSoon(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const mark = (): void => {
    settled = true;
  };
  p.then(mark, mark);
  for (let turn = 0; turn < SOON_TURNS && !settled; turn++) await null;
  return settled;
}

export function sseBody(events: AsyncIterable<StreamEvent>, opts: SseOptions): ReadableStream<Uint8Array> {
  const iterator = events[Symbol.asyncIterator]();
  let ended = false;
  let sentChunk = false;
  const end = (how: StreamEnd): void => {
    if (ended) return;
    ended = true;
    opts.onEnd(how);
  };

  /** Writes one event; true once the stream is over (closed). */
  const write = (controller: ReadableStreamDirectController, next: IteratorResult<StreamEvent>): number | Promise<number> | true => {
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
      return controller.write(frame(event.chunk));
    }
    controller.write(event.type === "done" ? DONE : frame(event.error));
    controller.close();
    end(event.type === "done" ? "done" : "error");
    return true;
  };

  const source = {
    type: "direct" as const,
    async pull(controller: ReadableStreamDirectController) {
      let pending = iterator.next();
      for (;;) {
        let next: IteratorResult<StreamEvent>;
        try {
          next = await pending;
        } catch {
          next = { done: false, value: { type: "error", error: errorBody("the stream failed inside the gateway", "server_error", "stream_failed") } };
        }
        if (ended) return; // cancelled while waiting
        const written = write(controller, next);
        if (written === true) return;
        if (typeof written !== "number") await written; // backpressure: the client reads slowly
        pending = iterator.next();
        // Events already in memory (a few microtasks away) go out in the same write; anything that
        // must wait on the upstream is preceded by a flush, so no event is ever held back.
        if (!(await settlesSoon(pending))) {
          const flushed = controller.flush();
          if (typeof flushed !== "number") await flushed;
        }
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
