// Stream supervision after the first content chunk: forward chunks as they arrive, keep one role
// delta, one id, and one final usage chunk, finalise streams whose upstream never says [DONE], and
// make sure a cut, stall or in-band error never looks like a normal end: either a fallback model
// continues the delivered text seamlessly (onBreak `continue`), or the client gets an error event.
import { estimateUsage } from "../state/accounting.ts";
import type { StreamCheckpoint, StreamEvent } from "../api.ts";
import { runCandidates, type LoopResult } from "../attempt/attempt-loop.ts";
import type { AttemptHandle } from "../state/accounting.ts";
import { streamExec, MAX_MALFORMED_IN_A_ROW, type BodyFor, type StreamStart } from "../attempt/chat-attempt.ts";
import { deltaHasOutput, hasFinish, modelSplicer, normalizeChunk, queuedChunks, rawJsonOf, setRawJson, type QueuedChunks } from "./chunks.ts";
import { classifyError, DeadlineExceeded, type Failure } from "../attempt/classify.ts";
import type { RequestCtx } from "../flow/context.ts";
import { continuationBody, OverlapTrimmer } from "./continuation.ts";
import { ToolCallHold } from "./tool-call-hold.ts";
import { errorBody } from "../flow/errors.ts";
import type { ModelEntry } from "../plan/tables.ts";
import { UpstreamError, type ChatChunk, type Usage } from "../upstream.ts";

/** After a finish_reason, how long to wait for a trailing usage chunk (capped by the idle timeout). */
const USAGE_GRACE_MS = 1000;

const CHUNK_OBJECT = "chat.completion.chunk";

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

interface Segment {
  handle: AttemptHandle;
  iterator: AsyncIterator<ChatChunk>;
  /** The iterator's synchronous side, when the adapter offers one. */
  queued: QueuedChunks | null;
  pending: ChatChunk[];
  /** Malformed chunks in a row (a good one resets it). */
  malformed: number;
  /** When the upstream's latest read arrived: the chunks it carried arrived then (one clock read per read, not per chunk). */
  readAt: number;
  trimmer: OverlapTrimmer | null;
  promptTokens: number;
  receivedChars: number;
  usage: Usage | null;
  /** Every choice seen so far has a finish_reason (n > 1 streams finish choice by choice). */
  finished: boolean;
  unfinishedChoices: Set<number>;
  status: number;
}

type SegmentEnd = { kind: "finished" } | { kind: "client_gone" } | { kind: "broken"; failure: Failure };
const FINISHED: SegmentEnd = { kind: "finished" };
const tooManyMalformed = (): SegmentEnd => ({
  kind: "broken",
  failure: { cls: "malformed", status: null, message: "too many malformed chunks", retryAfterMs: null, code: null },
});

/**
 * The events' synchronous side: the next event when it is already in memory (queued by the adapter),
 * so the response writer can batch events without a promise and generator step each. Undefined when
 * the next event needs waiting (or a segment ends): then `next()` is the way on.
 */
export interface ReadyEvents {
  takeReady(): StreamEvent | undefined;
}

export function readyEvents(events: AsyncIterable<StreamEvent>): ReadyEvents | null {
  return typeof (events as Partial<ReadyEvents>).takeReady === "function" ? (events as unknown as ReadyEvents) : null;
}

type Start = LoopResult<StreamStart> & { kind: "ok" };

export function superviseStream(plan: StreamPlan, start: Start): AsyncGenerator<StreamEvent> & ReadyEvents {
  const side = { take: (): StreamEvent | undefined => undefined }; // set once the generator runs
  return Object.assign(supervise(plan, start, side), { takeReady: () => side.take() });
}

async function* supervise(plan: StreamPlan, start: Start, side: { take: () => StreamEvent | undefined }): AsyncGenerator<StreamEvent> {
  const { ctx } = plan;
  const clock = ctx.core.ports.clock;
  const first = start.value.buffered[0];
  const streamId = typeof first?.id === "string" ? first.id : `chatcmpl-${ctx.id}`;
  const created = typeof first?.created === "number" ? first.created : Math.floor(clock.now() / 1000);
  let delivered = "";
  const rolesSent = new Set<number>(); // per choice index: one role delta each, continuations add none
  let toolCallsSent = false;
  let outputSent = false; // more than a role went out: a break can no longer start over
  let hold: ToolCallHold | null = null; // made at the first tool call, with `stream { tool_calls hold }`
  const holding = ctx.settings.stream.toolCalls === "hold";
  let remaining = plan.remaining;
  let ended = false;
  const checkpoint: StreamCheckpoint = {
    id: ctx.id,
    route: ctx.route,
    model: start.handle.entry.name,
    tokensReceived: 0,
    charsDelivered: 0,
    tokensPerSec: 0,
    startedAt: clock.now(),
  };
  ctx.core.checkpoints.set(ctx.id, checkpoint);
  let seg = newSegment(start.handle, start.value, null, ctx.needs.promptTokens, start.status, clock.now());

  const end = (status: number, errorClass: string | null): void => {
    if (ended) return;
    ended = true;
    ctx.meta.status = status;
    ctx.meta.errorClass = errorClass;
    ctx.core.checkpoints.delete(ctx.id);
    plan.onEnd();
  };

  const spliceModel = modelSplicer();

  /**
   * Shapes an upstream chunk for the client; null when nothing is left to send. Copies only what it
   * changes: most mid-stream chunks need nothing but the model name, and go out as the upstream's
   * own text with that one value spliced in (no copy, no JSON.stringify).
   */
  const shape = (chunk: ChatChunk): ChatChunk | null => {
    if (chunk.usage) seg.usage = chunk.usage;
    const from = chunk.choices;
    if (from.length === 0) return null;
    let useful = false;
    let choices: ChatChunk["choices"] | null = null; // made once a choice has to change
    for (let i = 0; i < from.length; i++) {
      const c = from[i]!;
      const d = c.delta;
      const dropRole = d.role !== undefined && rolesSent.has(c.index);
      if (d.role !== undefined && !dropRole) rolesSent.add(c.index);
      let content = d.content;
      if (typeof content === "string") {
        seg.receivedChars += content.length;
        if (c.index === 0) {
          if (seg.trimmer) content = seg.trimmer.push(content);
          delivered += content;
        }
      }
      const dropContent = typeof content === "string" && content.length === 0;
      let calls = d.tool_calls;
      if (holding && (calls !== undefined || (c.finish_reason && hold !== null))) calls = (hold ??= new ToolCallHold()).take(c.index, calls, !!c.finish_reason);
      let delta = d;
      if (dropRole || dropContent || content !== d.content || calls !== d.tool_calls) {
        delta = { ...d };
        if (dropRole) delete delta.role;
        if (dropContent) delete delta.content;
        else if (content !== d.content) delta.content = content;
        if (calls === undefined) delete delta.tool_calls;
        else delta.tool_calls = calls;
      }
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) toolCallsSent = true;
      if (!outputSent) outputSent = deltaHasOutput(delta);
      if (c.finish_reason || hasKeys(delta)) useful = true;
      if (delta !== d) {
        choices ??= from.slice(0, i);
        choices.push({ ...c, delta });
      } else if (choices !== null) choices.push(c);
    }
    if (!useful) return null;
    const model = seg.handle.entry.name;
    if (choices === null && chunk.usage === undefined && chunk.id === streamId && chunk.object === CHUNK_OBJECT && chunk.created === created) {
      if (chunk.model === model) return chunk;
      const raw = rawJsonOf(chunk);
      const spliced = raw === undefined ? null : spliceModel(raw, chunk.model, model);
      if (spliced !== null) {
        chunk.model = model; // the adapter's own fresh object, shared with no one
        setRawJson(chunk, spliced);
        return chunk;
      }
    }
    const out: ChatChunk = { ...chunk, id: streamId, object: CHUNK_OBJECT, created, model, choices: choices ?? from };
    delete out.usage;
    setRawJson(out, undefined);
    return out;
  };

  /** A chunk as the client's next event; null when it leaves nothing to send. */
  const take = (upstream: ChatChunk, normalized: boolean): StreamEvent | SegmentEnd | null => {
    const chunk = normalized ? upstream : normalizeChunk(upstream);
    if (chunk === null) return ++seg.malformed > MAX_MALFORMED_IN_A_ROW ? tooManyMalformed() : null;
    seg.malformed = 0;
    if (seg.finished) {
      // the answer is complete: only its usage may still follow, never more content
      if (chunk.usage) seg.usage = chunk.usage;
      return null;
    }
    trackFinish(seg, chunk);
    const out = shape(chunk);
    checkpoint.tokensReceived = Math.ceil(seg.receivedChars / 4);
    checkpoint.charsDelivered = delivered.length;
    const genMs = seg.readAt - seg.handle.run.startedAt - (seg.handle.ttftMs ?? 0);
    checkpoint.tokensPerSec = genMs > 0 ? (checkpoint.tokensReceived * 1000) / genMs : 0;
    return out === null ? null : { type: "chunk", chunk: out };
  };

  /**
   * The next event without waiting: from the first read's buffer, or from chunks the adapter has
   * already parsed (most upstream reads carry several events), without a promise per chunk. Null
   * when the upstream must be waited on.
   */
  const ready = (): StreamEvent | SegmentEnd | null => {
    for (;;) {
      const buffered = seg.pending.shift();
      let step: StreamEvent | SegmentEnd | null;
      if (buffered !== undefined) step = take(buffered, true);
      else {
        if (seg.finished && seg.usage !== null) return FINISHED;
        // an aborted run must not deliver more: the waiting path reports why it ended
        if (seg.queued === null || seg.handle.run.abortReason !== null || ctx.signal.aborted) return null;
        const parsed = seg.queued.takeQueued();
        if (parsed === undefined) return null;
        step = take(parsed, false);
      }
      if (step !== null) return step;
    }
  };

  /** The next event or segment end, waiting on the upstream when nothing is ready. */
  async function pump(): Promise<StreamEvent | SegmentEnd> {
    const run = seg.handle.run;
    const idleMs = ctx.settings.timeout.idleMs;
    for (;;) {
      const now = ready();
      if (now !== null) return now;
      const t = clock.now();
      if (seg.finished) run.arm("grace", t + Math.min(USAGE_GRACE_MS, idleMs));
      else run.arm("idle", t + idleMs);
      let r: IteratorResult<ChatChunk>;
      try {
        r = await run.race(seg.iterator.next());
      } catch (err) {
        if (run.clientGone || ctx.signal.aborted) return { kind: "client_gone" };
        if (seg.finished) return FINISHED; // the answer is complete; only the tail went wrong
        const reason = run.abortReason;
        if (!reason && err instanceof UpstreamError && err.cls === "malformed" && ++seg.malformed <= MAX_MALFORMED_IN_A_ROW) continue;
        const failure = classifyError(reason instanceof DeadlineExceeded ? reason : err, ctx.core.redactor);
        return { kind: "broken", failure };
      }
      if (r.done) {
        if (seg.finished) return FINISHED;
        return { kind: "broken", failure: { cls: "cut", status: null, message: "stream ended without a finish_reason", retryAfterMs: null, code: null } };
      }
      run.hold();
      seg.readAt = clock.now();
      const step = take(r.value, false);
      if (step !== null) return step;
    }
  }

  // Taking events while the generator sits at its chunk `yield` is the same as resuming it for them;
  // a segment end found that way waits for the generator, which handles it on its next step.
  let atYield = false;
  let stashed: SegmentEnd | null = null;
  const takeStashed = (): SegmentEnd | null => {
    const end = stashed;
    stashed = null;
    return end;
  };
  side.take = () => {
    if (!atYield || ended || stashed !== null) return undefined;
    const step = ready();
    if (step === null) return undefined;
    if ("kind" in step) {
      stashed = step;
      return undefined;
    }
    return step;
  };

  const partialUsage = (): Usage => seg.usage ?? estimateUsage(seg.promptTokens, seg.receivedChars);

  try {
    for (;;) {
      let result: SegmentEnd;
      for (;;) {
        // an async step only when the upstream must be waited on (~130 ns and a promise per chunk)
        const step = takeStashed() ?? ready() ?? (await pump());
        if ("kind" in step) {
          result = step;
          break;
        }
        atYield = true;
        yield step;
        atYield = false;
      }
      if (result.kind === "finished") {
        const usage = partialUsage();
        seg.handle.succeed(usage, seg.status);
        void seg.iterator.return?.()?.catch(() => {});
        const model = seg.handle.entry.name;
        end(200, null);
        if (plan.includeUsage) yield { type: "chunk", chunk: { id: streamId, object: "chat.completion.chunk", created, model, choices: [], usage } };
        yield { type: "done" };
        return;
      }
      if (result.kind === "client_gone") {
        seg.handle.abandon(partialUsage(), seg.status);
        void seg.iterator.return?.()?.catch(() => {});
        end(499, "client_gone");
        return;
      }
      const broken = result.failure;
      seg.handle.fail(broken, partialUsage());
      void seg.iterator.return?.()?.catch(() => {});
      let secondary: string | null = null;
      const policyStop = broken.cls === "content_policy" && !ctx.settings.failoverOnContentPolicy;
      // only a role went out (a held tool call broke): the next candidate starts over, as before the first token
      const restart = !outputSent;
      const resume = restart || (ctx.settings.stream.onBreak === "continue" && delivered.length > 0 && !toolCallsSent);
      if (!policyStop && resume && !ctx.signal.aborted) {
        const sent = delivered;
        const trailFrom = ctx.trail.length;
        const next = await runCandidates(ctx, remaining, streamExec(ctx, restart ? plan.bodyFor : (e) => continuationBody(plan.bodyFor(e), e, sent)));
        if (next.kind === "ok") {
          if (!restart) ctx.meta.continuations++;
          ctx.meta.failovers++;
          remaining = remaining.slice(next.index + 1);
          const prompt = ctx.needs.promptTokens + Math.ceil(sent.length / 4);
          seg = newSegment(next.handle, next.value, restart ? null : new OverlapTrimmer(sent), prompt, next.status, clock.now());
          hold = null; // the broken segment's held call was never sent
          checkpoint.model = next.handle.entry.name;
          continue;
        }
        if (next.kind === "client_gone") {
          end(499, "client_gone");
          return;
        }
        secondary = next.kind === "returned" ? next.failure.message : describeExhausted(ctx.trail.slice(trailFrom), ctx.lastFailure);
      }
      end(ctx.meta.status, broken.cls);
      yield { type: "error", error: breakError(broken, delivered.length, secondary) };
      return;
    }
  } finally {
    // the consumer stopped early (client disconnect): release the upstream and close the books
    if (!ended) {
      seg.handle.abandon(partialUsage(), seg.status);
      void seg.iterator.return?.()?.catch(() => {});
      end(499, "client_gone");
    }
  }
}

function newSegment(handle: AttemptHandle, startValue: StreamStart, trimmer: OverlapTrimmer | null, promptTokens: number, status: number, now: number): Segment {
  return {
    handle,
    iterator: startValue.iterator,
    queued: queuedChunks(startValue.iterator),
    pending: startValue.buffered.slice(),
    malformed: 0,
    readAt: now,
    trimmer,
    promptTokens,
    receivedChars: 0,
    usage: null,
    finished: false,
    unfinishedChoices: new Set(),
    status,
  };
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function trackFinish(seg: Segment, chunk: ChatChunk): void {
  for (const c of chunk.choices) {
    if (c.finish_reason) seg.unfinishedChoices.delete(c.index);
    else if (!seg.finished || seg.unfinishedChoices.size > 0) seg.unfinishedChoices.add(c.index);
  }
  if (hasFinish(chunk)) seg.finished = seg.unfinishedChoices.size === 0;
}

function describeExhausted(trail: string[], last: Failure | null): string {
  if (trail.length === 0) return "no fallback model could take over";
  return `fallback attempts ${trail.join(",")}${last ? ` (${last.message})` : ""}`;
}

function breakError(f: Failure, chars: number, secondary: string | null) {
  const base = `the upstream stream broke after ${chars} chars: ${f.message}`;
  const message = secondary ? `${base}; continuation failed: ${secondary}` : base;
  const code = f.cls === "content_policy" ? "content_policy_violation" : "stream_broken";
  return errorBody(message, "upstream_error", code);
}
