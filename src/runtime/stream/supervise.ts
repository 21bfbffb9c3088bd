// Stream supervision after the first content chunk: forward chunks as they arrive, keep one role
// delta, one id, and one final usage chunk, finalise streams whose upstream never says [DONE], and
// make sure a cut, stall or in-band error never looks like a normal end: either a fallback model
// continues the delivered text seamlessly (onBreak `continue`), or the client gets an error event.
// One object owns the stream's state; its parts: segment reading (segment.ts), chunk shaping
// (shape.ts), the pump (pump.ts) and continuation (continuation.ts).
import type { StreamCheckpoint, StreamEvent, StreamEvents } from "../api.ts";
import type { LoopResult } from "../attempt/attempt-loop.ts";
import { MAX_MALFORMED_IN_A_ROW, type BodyFor, type StreamStart } from "../attempt/chat-attempt.ts";
import type { Failure } from "../attempt/classify.ts";
import type { RequestCtx } from "../flow/context.ts";
import { errorBody } from "../flow/errors.ts";
import type { ModelEntry } from "../plan/tables.ts";
import type { ChatChunk } from "../upstream.ts";
import { normalizeChunk } from "./chunks.ts";
import { takeOver } from "./continuation.ts";
import { pump, stopped } from "./pump.ts";
import { isSegmentEnd, Segment, type SegmentEnd, type Step } from "./segment.ts";
import { ChunkShaper } from "./shape.ts";

export interface StreamPlan {
  ctx: RequestCtx;
  bodyFor: BodyFor;
  /** Candidates after the serving one, for mid-stream continuation. */
  remaining: ModelEntry[];
  /** Whether the client asked for stream_options.include_usage. */
  includeUsage: boolean;
  /** Called once, before the terminal event, so meta is final even if the consumer stops reading. */
  onEnd: () => void;
}

const TOO_MANY_MALFORMED: SegmentEnd = {
  kind: "broken",
  failure: { cls: "malformed", status: null, message: "too many malformed chunks", retryAfterMs: null, code: null },
};
const OVER: IteratorResult<StreamEvent> = { value: undefined, done: true };

type Start = LoopResult<StreamStart> & { kind: "ok" };

export function superviseStream(plan: StreamPlan, start: Start): StreamEvents & AsyncIterator<StreamEvent> {
  return new StreamSupervisor(plan, start);
}

/**
 * The client's events, produced on demand: `takeReady` gives the next one when it follows from what
 * is in memory (no waiting), `next` also waits on the upstream or a takeover. Both advance the same
 * state; the consumer calls one at a time.
 */
class StreamSupervisor implements StreamEvents, AsyncIterator<StreamEvent> {
  readonly #plan: StreamPlan;
  readonly #ctx: RequestCtx;
  readonly #shaper: ChunkShaper;
  readonly #checkpoint: StreamCheckpoint;
  #seg: Segment;
  #remaining: ModelEntry[];
  /** Events decided but not handed out yet (the final usage chunk and `done`, or the error). */
  readonly #tail: StreamEvent[] = [];
  /** A break found and not yet booked: the takeover (async: only `next` runs it) books it. */
  #broken: Failure | null = null;
  /** The books are closed (meta final, onEnd called). */
  #ended = false;
  /** The `next()` under way, so `return()` waits for it as a generator's would. */
  #running: Promise<IteratorResult<StreamEvent>> | null = null;
  readonly #take = (chunk: ChatChunk, normalized: boolean): Step => this.#takeChunk(chunk, normalized);

  constructor(plan: StreamPlan, start: Start) {
    const { ctx } = plan;
    const now = ctx.core.ports.clock.now();
    const first = start.value.buffered[0];
    const streamId = typeof first?.id === "string" ? first.id : `chatcmpl-${ctx.id}`;
    const created = typeof first?.created === "number" ? first.created : Math.floor(now / 1000);
    this.#plan = plan;
    this.#ctx = ctx;
    this.#shaper = new ChunkShaper(streamId, created, ctx.settings.stream.toolCalls === "hold");
    this.#remaining = plan.remaining;
    this.#checkpoint = {
      id: ctx.id,
      route: ctx.route,
      model: start.handle.entry.name,
      tokensReceived: 0,
      charsDelivered: 0,
      tokensPerSec: 0,
      startedAt: now,
    };
    ctx.core.checkpoints.set(ctx.id, this.#checkpoint);
    this.#seg = new Segment(start.handle, start.value, null, ctx.needs.promptTokens, start.status, now);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  takeReady(): StreamEvent | undefined {
    if (this.#tail.length > 0) return this.#tail.shift();
    if (this.#ended || this.#broken !== null) return undefined;
    const step = this.#seg.ready(this.#take, stopped(this.#seg, this.#ctx));
    if (step === null) return undefined;
    return isSegmentEnd(step) ? this.#segmentEnded(step) : step;
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    const running = this.#next();
    this.#running = running;
    return running;
  }

  async #next(): Promise<IteratorResult<StreamEvent>> {
    for (;;) {
      const ready = this.takeReady();
      if (ready !== undefined) return { value: ready, done: false };
      if (this.#broken !== null) {
        await this.#takeOver(this.#broken);
        continue;
      }
      if (this.#ended) return OVER;
      const step = await pump(this.#seg, this.#ctx, this.#take);
      if (!isSegmentEnd(step)) return { value: step, done: false };
      const event = this.#segmentEnded(step);
      if (event !== undefined) return { value: event, done: false };
    }
  }

  /** The consumer stopped early (client disconnect): release the upstream and close the books. */
  async return(): Promise<IteratorResult<StreamEvent>> {
    await this.#running?.catch(() => {});
    this.#tail.length = 0;
    this.#broken = null;
    if (!this.#ended) {
      this.#seg.handle.abandon(this.#seg.partialUsage(), this.#seg.status);
      this.#seg.close();
      this.#end(499, "client_gone");
    }
    return OVER;
  }

  /** A chunk as the client's next event; null when it leaves nothing to send. */
  #takeChunk(upstream: ChatChunk, normalized: boolean): Step {
    const seg = this.#seg;
    const chunk = normalized ? upstream : normalizeChunk(upstream);
    if (chunk === null) return ++seg.malformed > MAX_MALFORMED_IN_A_ROW ? TOO_MANY_MALFORMED : null;
    seg.malformed = 0;
    if (seg.finished) {
      // the answer is complete: only its usage may still follow, never more content
      if (chunk.usage) seg.usage = chunk.usage;
      return null;
    }
    seg.trackFinish(chunk);
    const out = this.#shaper.shape(chunk, seg);
    const checkpoint = this.#checkpoint;
    checkpoint.tokensReceived = Math.ceil(seg.receivedChars / 4);
    checkpoint.charsDelivered = this.#shaper.delivered.length;
    const genMs = seg.readAt - seg.handle.run.startedAt - (seg.handle.ttftMs ?? 0);
    checkpoint.tokensPerSec = genMs > 0 ? (checkpoint.tokensReceived * 1000) / genMs : 0;
    return out === null ? null : { type: "chunk", chunk: out };
  }

  /** Settles the books for a segment's end; the first event that follows, if any is due now. */
  #segmentEnded(end: SegmentEnd): StreamEvent | undefined {
    const seg = this.#seg;
    if (end.kind === "finished") {
      const usage = seg.partialUsage();
      seg.handle.succeed(usage, seg.status);
      seg.close();
      this.#end(200, null);
      if (this.#plan.includeUsage)
        this.#tail.push({ type: "chunk", chunk: this.#shaper.usageChunk(seg.handle.entry.name, usage) });
      this.#tail.push({ type: "done" });
    } else if (end.kind === "client_gone") {
      seg.handle.abandon(seg.partialUsage(), seg.status);
      seg.close();
      this.#end(499, "client_gone");
    } else this.#broken = end.failure; // booked by the takeover, or abandoned if the consumer stops first
    return this.#tail.shift();
  }

  /** Runs the takeover after a break: a new segment, or the stream's end. */
  async #takeOver(broken: Failure): Promise<void> {
    const ctx = this.#ctx;
    this.#seg.handle.fail(broken, this.#seg.partialUsage());
    this.#seg.close();
    const next = await takeOver(ctx, broken, this.#shaper, this.#remaining, this.#plan.bodyFor);
    this.#broken = null;
    if (next.kind === "segment") {
      this.#seg = next.segment;
      this.#remaining = next.remaining;
      this.#shaper.newSegment();
      this.#checkpoint.model = next.segment.handle.entry.name;
    } else if (next.kind === "client_gone") {
      this.#end(499, "client_gone");
    } else {
      this.#end(ctx.meta.status, broken.cls);
      this.#tail.push({ type: "error", error: breakError(broken, this.#shaper.delivered.length, next.secondary) });
    }
  }

  #end(status: number, errorClass: string | null): void {
    if (this.#ended) return;
    this.#ended = true;
    const { ctx } = this.#plan;
    ctx.meta.status = status;
    ctx.meta.errorClass = errorClass;
    ctx.core.checkpoints.delete(ctx.id);
    this.#plan.onEnd();
  }
}

function breakError(f: Failure, chars: number, secondary: string | null) {
  const base = `the upstream stream broke after ${chars} chars: ${f.message}`;
  const message = secondary ? `${base}; continuation failed: ${secondary}` : base;
  const code = f.cls === "content_policy" ? "content_policy_violation" : "stream_broken";
  return errorBody(message, "upstream_error", code);
}
