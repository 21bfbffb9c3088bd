// One chat attempt against one model. Non-stream: the reply is the whole completion, so it must
// arrive within the first-token budget (connect is part of it). Stream: the reply promise is the
// connect phase; then chunks are read until the first one with output (not just headers or a role
// delta), so a stream is handed to the client only once it has really started.
import type { AttemptHandle } from "../state/accounting.ts";
import type { Exec } from "./attempt-loop.ts";
import { secretFor } from "./attempt-loop.ts";
import { statusClass } from "./classify.ts";
import { completionAsChunks, hasFinish, hasOutput, isCompletion, normalizeChunk } from "../stream/chunks.ts";
import type { RequestCtx } from "../flow/context.ts";
import type { ModelEntry } from "../plan/tables.ts";
import {
  UpstreamError,
  type ChatChunk,
  type ChatCompletion,
  type ChunkStream,
  type UpstreamCall,
  type UpstreamReply,
} from "../upstream.ts";
import type { AttemptRun } from "./attempt-run.ts";
import type { Clock } from "../ports.ts";

/** Malformed chunks in a row tolerated before the stream counts as broken. */
export const MAX_MALFORMED_IN_A_ROW = 8;

export interface StreamStart {
  iterator: ChunkStream;
  /** Chunks read up to and including the first one with output. */
  buffered: ChatChunk[];
}

export type BodyFor = (entry: ModelEntry) => Record<string, unknown>;

/**
 * What an attempt sends: `body` per model, and whether that body is the request's own, so the
 * client's native request (ctx.native) goes with it; a continuation's body is not.
 */
export interface AttemptBody {
  bodyFor: BodyFor;
  own: boolean;
}

function callFor(
  ctx: RequestCtx,
  entry: ModelEntry,
  run: AttemptRun,
  what: AttemptBody,
  stream: boolean,
): UpstreamCall {
  return {
    provider: entry.provider,
    model: entry.node,
    body: what.bodyFor(entry),
    stream,
    apiKey: secretFor(ctx, entry),
    headers: (ctx.upstreamHeaders ??= { "x-request-id": ctx.id }),
    native: what.own && ctx.native !== null ? ctx.native : undefined,
    signal: entry.adapter?.lightSignal === true ? run.lightSignal : run.signal,
  };
}

function send(ctx: RequestCtx, entry: ModelEntry, call: UpstreamCall): Promise<UpstreamReply> {
  if (!entry.adapter) {
    return Promise.reject(new UpstreamError("connect", `no adapter for provider kind \`${entry.provider.kind}\``));
  }
  return entry.adapter.chat(call, ctx.core.ports);
}

function checkStatus(status: number): void {
  if (status >= 400) throw new UpstreamError(statusClass(status), `upstream answered ${status}`, status);
}

export function completionExec(ctx: RequestCtx, what: AttemptBody): Exec<ChatCompletion> {
  return async (entry, run, handle) => {
    const t = ctx.settings.timeout;
    run.arm("first_token", run.startedAt + Math.max(t.connectMs, t.firstTokenMs));
    const reply = await run.race(send(ctx, entry, callFor(ctx, entry, run, what, false)));
    checkStatus(reply.status);
    if (reply.kind !== "completion") {
      void reply.chunks.return?.()?.catch(() => {});
      throw new UpstreamError("malformed", "expected a completion, got a stream");
    }
    if (!isCompletion(reply.body))
      throw new UpstreamError("malformed", "completion without an answer (no choices, or a choice without a message)");
    handle.ttftMs = ctx.core.ports.clock.now() - run.startedAt;
    return { ok: true, value: reply.body, status: reply.status };
  };
}

export function streamExec(ctx: RequestCtx, what: AttemptBody): Exec<StreamStart> {
  return async (entry, run, handle) => {
    const t = ctx.settings.timeout;
    const clock = ctx.core.ports.clock;
    run.arm("connect", run.startedAt + t.connectMs);
    const reply = await run.race(send(ctx, entry, callFor(ctx, entry, run, what, true)));
    checkStatus(reply.status);
    const iterator: ChunkStream = reply.kind === "stream" ? reply.chunks : completionAsChunks(reply.body);
    handle.streamed = reply.kind === "stream";
    run.arm("first_token", run.startedAt + t.firstTokenMs);
    try {
      return { ok: true, value: await readToFirstOutput(clock, run, handle, iterator), status: reply.status };
    } catch (err) {
      void iterator.return?.()?.catch(() => {});
      throw err;
    }
  };
}

/** Reads until the first chunk with output (or a finish); module level, so no closure per attempt. */
async function readToFirstOutput(
  clock: Clock,
  run: AttemptRun,
  handle: AttemptHandle,
  it: AsyncIterator<ChatChunk>,
): Promise<StreamStart> {
  const buffered: ChatChunk[] = [];
  let malformed = 0;
  for (;;) {
    let r: IteratorResult<ChatChunk>;
    try {
      r = await run.race(it.next());
    } catch (err) {
      if (
        err instanceof UpstreamError &&
        err.cls === "malformed" &&
        !run.aborted &&
        ++malformed <= MAX_MALFORMED_IN_A_ROW
      )
        continue;
      throw err;
    }
    if (r.done) throw new UpstreamError("cut", "stream ended before any content");
    const chunk = normalizeChunk(r.value);
    if (chunk === null) {
      if (++malformed > MAX_MALFORMED_IN_A_ROW) throw new UpstreamError("malformed", "too many malformed chunks");
      continue;
    }
    malformed = 0;
    buffered.push(chunk);
    if (hasOutput(chunk) || hasFinish(chunk)) {
      handle.ttftMs = clock.now() - run.startedAt;
      run.hold(); // the stream supervisor arms the idle deadline when it next waits
      return { iterator: it, buffered };
    }
  }
}
