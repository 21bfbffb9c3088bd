// Mid-stream failover: whether a broken stream can be taken over, the next candidate's segment
// (starting over when only a role went out, else continuing the delivered text), the request a
// fallback model gets so it continues, and the trimmer that keeps a continuation which starts over
// from the beginning from showing the client the same text twice.
import { CAP_BIT } from "../../syntax/vocabulary.ts";
import { runCandidates } from "../attempt/attempt-loop.ts";
import { streamExec, type BodyFor } from "../attempt/chat-attempt.ts";
import type { Failure } from "../attempt/classify.ts";
import type { RequestCtx } from "../flow/context.ts";
import type { ModelEntry } from "../plan/tables.ts";
import { Segment } from "./segment.ts";
import type { ChunkShaper } from "./shape.ts";

/** What became of a broken stream: a new segment serves it, the client left, or it cannot go on. */
export type Takeover =
  | { kind: "segment"; segment: Segment; remaining: ModelEntry[] }
  | { kind: "client_gone" }
  /** `secondary`: why the takeover failed, when one was tried. */
  | { kind: "failed"; secondary: string | null };

/**
 * After `broken`, the next viable candidate of `remaining` takes over: from the start when only a
 * role went out (a held tool call broke), else continuing the delivered text when the policy says
 * `onBreak continue`. Content-policy stops and tool calls already sent end the stream.
 */
export async function takeOver(
  ctx: RequestCtx,
  broken: Failure,
  shaper: ChunkShaper,
  remaining: ModelEntry[],
  bodyFor: BodyFor,
): Promise<Takeover> {
  const policyStop = broken.cls === "content_policy" && !ctx.settings.failoverOnContentPolicy;
  const restart = !shaper.outputSent;
  const sent = shaper.delivered;
  const resume = restart || (ctx.settings.stream.onBreak === "continue" && sent.length > 0 && !shaper.toolCallsSent);
  if (policyStop || !resume || ctx.signal.aborted) return { kind: "failed", secondary: null };
  const trailFrom = ctx.trail.length;
  const next = await runCandidates(
    ctx,
    remaining,
    // Starting over sends the request's own body (and the client's native request with it); a
    // continuation's body has the delivered text added, which only the chat body can express.
    streamExec(
      ctx,
      restart ? { bodyFor, own: true } : { bodyFor: (e) => continuationBody(bodyFor(e), e, sent), own: false },
    ),
  );
  if (next.kind === "client_gone") return next;
  if (next.kind !== "ok") {
    return {
      kind: "failed",
      secondary:
        next.kind === "returned"
          ? next.failure.message
          : describeExhausted(ctx.trail.slice(trailFrom), ctx.lastFailure),
    };
  }
  if (!restart) ctx.meta.continuations++;
  ctx.meta.failovers++;
  const prompt = ctx.needs.promptTokens + Math.ceil(sent.length / 4);
  const segment = new Segment(
    next.handle,
    next.value,
    restart ? null : new OverlapTrimmer(sent),
    prompt,
    next.status,
    ctx.core.ports.clock.now(),
  );
  return { kind: "segment", segment, remaining: remaining.slice(next.index + 1) };
}

function describeExhausted(trail: string[], last: Failure | null): string {
  if (trail.length === 0) return "no fallback model could take over";
  return `fallback attempts ${trail.join(",")}${last ? ` (${last.message})` : ""}`;
}

export const CONTINUE_INSTRUCTION =
  "Your previous reply was cut off. Continue exactly where it stopped, without repeating anything already written and without any preamble.";

function shrink(v: unknown, used: number): unknown {
  return typeof v === "number" && Number.isFinite(v) ? Math.max(1, v - used) : v;
}

/**
 * Models with `prefill` get the delivered text as a trailing assistant message (they resume it);
 * others also get a user turn asking them to continue. The output budget shrinks by what was sent.
 */
export function continuationBody(
  base: Record<string, unknown>,
  entry: ModelEntry,
  delivered: string,
): Record<string, unknown> {
  const messages = Array.isArray(base.messages) ? [...(base.messages as unknown[])] : [];
  messages.push({ role: "assistant", content: delivered });
  if ((entry.node.caps & CAP_BIT.prefill) === 0) messages.push({ role: "user", content: CONTINUE_INSTRUCTION });
  const used = Math.ceil(delivered.length / 4);
  const body: Record<string, unknown> = { ...base, messages };
  if (body.max_tokens !== undefined) body.max_tokens = shrink(body.max_tokens, used);
  if (body.max_completion_tokens !== undefined) body.max_completion_tokens = shrink(body.max_completion_tokens, used);
  return body;
}

/**
 * Holds continuation text while it could still be a repeat of the delivered text from its start;
 * once it covers all of it the repeat is dropped, and once it diverges everything is released.
 */
export class OverlapTrimmer {
  #held = "";
  #settled = false;

  constructor(private readonly delivered: string) {}

  push(text: string): string {
    if (this.#settled || text.length === 0) return text;
    this.#held += text;
    const d = this.delivered;
    if (this.#held.length >= d.length) {
      this.#settled = true;
      const out = this.#held.startsWith(d) ? this.#held.slice(d.length) : this.#held;
      this.#held = "";
      return out;
    }
    if (d.startsWith(this.#held)) return "";
    this.#settled = true;
    const out = this.#held;
    this.#held = "";
    return out;
  }

  /** Still holding: the continuation so far only repeats delivered text. */
  get holding(): boolean {
    return !this.#settled && this.#held.length > 0;
  }
}
