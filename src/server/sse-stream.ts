// Turns the engine's StreamEvents into an SSE body: OpenAI-style by default, another dialect's
// events when the caller passes its frames (see dialects/). Each event leaves as soon as the
// engine yields it (never held back behind a slow upstream); an error ends the stream without
// `[DONE]` so a broken stream can never look like a complete one; a comment before the terminal
// event can say what the headers could not know yet (the attempt trail); a cancelled body aborts
// the engine request; a stream the gateway itself cuts (shutdown) ends with an error event saying so.
import type { OpenAIErrorBody, StreamEvent } from "../runtime/api.ts";
import { readyEvents } from "../runtime/engine.ts";
import { rawJsonOf, type ChatChunk } from "../runtime/upstream.ts";
import type { SseFrames } from "../dialects/frames.ts";
import { errorBody } from "./errors.ts";

/** `cut`: the gateway ended the stream itself (shutdown), not the upstream and not the client. */
export type StreamEnd = "done" | "error" | "cancelled" | "cut";

export interface SseOptions {
  /** Aborted when the client goes away, so the engine releases the upstream. */
  abort: AbortController;
  /** Called before the first chunk is enqueued (for time-to-first-token). */
  onFirstChunk?(): void;
  /** Called exactly once, when the body ends for any reason (after the engine closed its books). */
  onEnd(end: StreamEnd): void;
  /**
   * The error event to end with when the gateway cut the stream (it aborts `abort` and the engine
   * then stops early), or null while it has not. Read only when the stream ends, so it costs no
   * event anything.
   */
  cutError?(): OpenAIErrorBody | null;
  /** How events are written; OpenAI chat chunks when absent. */
  frames?: SseFrames;
  /** An SSE comment (`: …\n\n`) written before the terminal event, read when that event comes. */
  finalComment?(): string;
}

export type { SseFrames };

const DONE = "data: [DONE]\n\n";

/** One SSE event as text: the direct stream encodes it while writing, so no Uint8Array per event. */
export function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** A chunk's event: the upstream's own text when the engine left it unchanged (see RAW_JSON). */
function chunkFrame(chunk: ChatChunk): string {
  const raw = rawJsonOf(chunk);
  return raw === undefined ? frame(chunk) : `data: ${raw}\n\n`;
}

const OPENAI_FRAMES: SseFrames = { chunk: chunkFrame, done: () => DONE, error: frame };

/** Text gathered from events already in memory before it is written anyway. */
const MAX_BATCH_CHARS = 8 * 1024;

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

/**
 * The SSE body: a string when the whole stream was already in memory by the time the response
 * starts (a short reply read from the upstream in one go: a plain body costs Bun far less than a
 * streamed one), else a Bun "direct" stream that starts with what was ready. Bun.serve calls its
 * `pull` once and the loop writes events as they come. A pull-based stream costs a promise round
 * trip through the stream machinery per event, and a write + flush per event costs a native call
 * and a syscall each even when the upstream delivered ten events in one read; here events already
 * in memory are written together, and a flush happens whenever the next event is not. Awaiting a
 * write or flush that reports backpressure keeps a slow client from buffering ahead.
 */
export async function sseBody(events: AsyncIterable<StreamEvent>, opts: SseOptions): Promise<string | ReadableStream<Uint8Array>> {
  const iterator = events[Symbol.asyncIterator]();
  const ready = readyEvents(events);
  const frames = opts.frames ?? OPENAI_FRAMES;
  let ended = false;
  let cancelled = false;
  let sentChunk = false;
  const end = (how: StreamEnd): void => {
    if (ended) return;
    ended = true;
    opts.onEnd(how);
  };

  /** How the stream ends, set when a terminal event is rendered. */
  let over: StreamEnd | null = null;
  const renderEvent = (event: StreamEvent): string => {
    if (event.type === "chunk") {
      if (!sentChunk) {
        sentChunk = true;
        opts.onFirstChunk?.();
      }
      return frames.chunk(event.chunk);
    }
    if (event.type === "done") {
      over = "done";
      return (opts.finalComment?.() ?? "") + frames.done();
    }
    return endEarly(event.error);
  };
  /** The terminal error frame: the gateway's own reason when it cut the stream, else `error`'s. */
  const endEarly = (error: OpenAIErrorBody): string => {
    const cut = opts.cutError?.() ?? null;
    over = cut === null ? "error" : "cut";
    return (opts.finalComment?.() ?? "") + frames.error(cut ?? error);
  };
  /** The settled `next()`'s text, with the events the engine already holds after it (up to the bound). */
  const renderFrom = async (pending: Promise<IteratorResult<StreamEvent>>): Promise<string> => {
    let next: IteratorResult<StreamEvent>;
    try {
      next = await pending;
    } catch {
      return endEarly(errorBody("the stream failed inside the gateway", "server_error", "stream_failed"));
    }
    if (next.done) {
      // The engine promised a terminal event; ending silently would look like a complete stream.
      return endEarly(errorBody("the stream ended without completing", "upstream_error", "stream_incomplete"));
    }
    let text = renderEvent(next.value);
    while (over === null && ready !== null && text.length < MAX_BATCH_CHARS) {
      const event = ready.takeReady();
      if (event === undefined) break;
      text += renderEvent(event);
    }
    return text;
  };

  // Events already in memory before the response starts: all of them may be the whole stream.
  let pending = iterator.next();
  let batch = "";
  while (batch.length < MAX_BATCH_CHARS && (await settlesSoon(pending))) {
    batch += await renderFrom(pending);
    if (over !== null) {
      end(over);
      return batch;
    }
    pending = iterator.next();
  }

  const source = {
    type: "direct" as const,
    async pull(controller: ReadableStreamDirectController) {
      for (;;) {
        if (batch.length > 0) {
          const written = controller.write(batch);
          batch = "";
          if (typeof written !== "number") await written; // backpressure: the client reads slowly
          const flushed = controller.flush();
          if (typeof flushed !== "number") await flushed;
        }
        // Events already in memory (a few microtasks away) join the batch, up to a bound; anything
        // that must wait on the upstream is preceded by the write and flush above, so no event is
        // ever held back behind a slow upstream.
        do {
          batch += await renderFrom(pending);
          if (cancelled) return; // cancelled while waiting
          if (over !== null) {
            controller.write(batch);
            controller.close();
            end(over);
            return;
          }
          pending = iterator.next();
        } while (batch.length < MAX_BATCH_CHARS && (await settlesSoon(pending)));
      }
    },
    async cancel() {
      cancelled = true;
      opts.abort.abort(new DOMException("client disconnected", "AbortError"));
      try {
        await iterator.return?.(); // the engine records the abandoned attempt before the log line is written
      } finally {
        end("cancelled");
      }
    },
  };
  return new ReadableStream(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}
