// Turns the engine's StreamEvents into an OpenAI-style SSE body. Pull-based: each pull awaits one
// event and enqueues it at once (no buffering); an error ends the stream without `[DONE]` so a
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

export function sseBody(events: AsyncIterable<StreamEvent>, opts: SseOptions): ReadableStream<Uint8Array> {
  const iterator = events[Symbol.asyncIterator]();
  let ended = false;
  let sentChunk = false;
  const end = (how: StreamEnd): void => {
    if (ended) return;
    ended = true;
    opts.onEnd(how);
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: IteratorResult<StreamEvent>;
        try {
          next = await iterator.next();
        } catch {
          next = { done: false, value: { type: "error", error: errorBody("the stream failed inside the gateway", "server_error", "stream_failed") } };
        }
        if (ended) return; // cancelled while waiting
        if (next.done) {
          // The engine promised a terminal event; ending silently would look like a complete stream.
          controller.enqueue(frame(errorBody("the stream ended without completing", "upstream_error", "stream_incomplete")));
          controller.close();
          end("error");
          return;
        }
        const event = next.value;
        if (event.type === "chunk") {
          if (!sentChunk) {
            sentChunk = true;
            opts.onFirstChunk?.();
          }
          controller.enqueue(frame(event.chunk));
        } else if (event.type === "done") {
          controller.enqueue(DONE);
          controller.close();
          end("done");
        } else {
          controller.enqueue(frame(event.error));
          controller.close();
          end("error");
        }
      },
      async cancel() {
        end("cancelled");
        opts.abort.abort(new DOMException("client disconnected", "AbortError"));
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
