// Turns the engine's StreamEvents into an SSE body: OpenAI-style by default, another dialect's
// events when the caller passes its frames (see dialects/). Each event leaves as soon as the
// engine yields it (never held back behind a slow upstream); an error ends the stream without
// `[DONE]` so a broken stream can never look like a complete one; a comment before the terminal
// event can say what the headers could not know yet (the attempt trail); a cancelled body aborts
// the engine request; a stream the gateway itself cuts (shutdown) ends with an error event saying so.
import type { OpenAIErrorBody, StreamEvent, StreamEvents } from "../runtime/api.ts";
import { rawTextOf, type ChatChunk } from "../runtime/upstream.ts";
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

/** A chunk's event: the upstream's own text when the engine left it unchanged (ChatChunk.raw). */
function chunkFrame(chunk: ChatChunk): string {
  const raw = rawTextOf(chunk);
  return raw === undefined ? frame(chunk) : `data: ${raw}\n\n`;
}

const OPENAI_FRAMES: SseFrames = { chunk: chunkFrame, done: () => DONE, error: frame };

/** Text gathered from events already in memory before it is written anyway. */
const MAX_BATCH_CHARS = 8 * 1024;

/**
 * The SSE body: a string when the whole stream was already in memory by the time the response
 * starts (`takeReady` gave every event up to the terminal one: a short reply read from the upstream
 * in one go; a plain body costs Bun far less than a streamed one), else a Bun "direct" stream that
 * starts with what was ready. Bun.serve calls its `pull` once and the loop writes events as they
 * come. A pull-based stream costs a promise round trip through the stream machinery per event, and
 * a write + flush per event costs a native call and a syscall each even when the upstream delivered
 * ten events in one read; here events already in memory are written together, and a flush happens
 * whenever the next event is not. Awaiting a write or flush that reports backpressure keeps a slow
 * client from buffering ahead.
 */
export type SseBody = string | ReadableStream<Uint8Array>;

export async function sseBody(events: StreamEvents, opts: SseOptions): Promise<SseBody> {
  const writer = new SseWriter(events, opts);
  // Events already in memory before the response starts: all of them may be the whole stream.
  const ready = writer.renderReady("");
  if (writer.over !== null) {
    writer.end(writer.over);
    return ready;
  }
  return new DirectStream({
    type: "direct",
    pull: (controller) => writer.pull(controller, ready),
    cancel: () => writer.cancel(),
  });
}

/** One stream's rendering and writing: the events as frames, batched, and how the stream ended. */
class SseWriter {
  readonly #events: StreamEvents;
  readonly #iterator: AsyncIterator<StreamEvent>;
  readonly #opts: SseOptions;
  readonly #frames: SseFrames;
  #ended = false;
  #cancelled = false;
  #sentChunk = false;
  /** How the stream ends, set when a terminal event is rendered. */
  over: StreamEnd | null = null;

  constructor(events: StreamEvents, opts: SseOptions) {
    this.#events = events;
    this.#iterator = events[Symbol.asyncIterator]();
    this.#opts = opts;
    this.#frames = opts.frames ?? OPENAI_FRAMES;
  }

  end(how: StreamEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#opts.onEnd(how);
  }

  /** `text` with the events the engine already holds after it (up to the bound or the terminal one). */
  renderReady(text: string): string {
    while (this.over === null && text.length < MAX_BATCH_CHARS) {
      const event = this.#events.takeReady?.();
      if (event === undefined) break;
      text += this.#render(event);
    }
    return text;
  }

  /** Bun.serve calls this once; it writes until the terminal event, starting with `batch`. */
  async pull(controller: ReadableStreamDirectController, batch: string): Promise<void> {
    for (;;) {
      if (batch.length > 0) {
        const written = controller.write(batch);
        batch = "";
        if (typeof written !== "number") await written; // backpressure: the client reads slowly
        const flushed = controller.flush();
        if (typeof flushed !== "number") await flushed;
      }
      // The next event, and those already in memory after it, up to a bound; anything that must
      // wait on the upstream is preceded by the write and flush above, so no event is ever held
      // back behind a slow upstream.
      batch += await this.#renderNext();
      if (this.#cancelled) return; // cancelled while waiting
      if (this.over !== null) {
        controller.write(batch);
        controller.close();
        this.end(this.over);
        return;
      }
    }
  }

  async cancel(): Promise<void> {
    this.#cancelled = true;
    this.#opts.abort.abort(new DOMException("client disconnected", "AbortError"));
    try {
      await this.#iterator.return?.(); // the engine records the abandoned attempt before the log line is written
    } finally {
      this.end("cancelled");
    }
  }

  #render(event: StreamEvent): string {
    if (event.type === "chunk") {
      if (!this.#sentChunk) {
        this.#sentChunk = true;
        this.#opts.onFirstChunk?.();
      }
      return this.#frames.chunk(event.chunk);
    }
    if (event.type === "done") {
      this.over = "done";
      return (this.#opts.finalComment?.() ?? "") + this.#frames.done();
    }
    return this.#endEarly(event.error);
  }

  /** The terminal error frame: the gateway's own reason when it cut the stream, else `error`'s. */
  #endEarly(error: OpenAIErrorBody): string {
    const cut = this.#opts.cutError?.() ?? null;
    this.over = cut === null ? "error" : "cut";
    return (this.#opts.finalComment?.() ?? "") + this.#frames.error(cut ?? error);
  }

  /** The next event's text (waiting for it), with the events the engine already holds after it. */
  async #renderNext(): Promise<string> {
    let next: IteratorResult<StreamEvent>;
    try {
      next = await this.#iterator.next();
    } catch {
      return this.#endEarly(errorBody("the stream failed inside the gateway", "server_error", "stream_failed"));
    }
    if (next.done) {
      // The engine promised a terminal event; ending silently would look like a complete stream.
      return this.#endEarly(errorBody("the stream ended without completing", "upstream_error", "stream_incomplete"));
    }
    return this.renderReady(this.#render(next.value));
  }
}

/**
 * Bun's ReadableStream constructor for a direct source. bun-types declares this overload, but the
 * DOM lib's ReadableStream declaration hides it from the checker here, so it is named once.
 */
const DirectStream = ReadableStream as unknown as new (
  source: Bun.DirectUnderlyingSource<Uint8Array>,
) => ReadableStream<Uint8Array>;
