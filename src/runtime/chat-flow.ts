// The chat request path: plan, run the failover loop, and shape the outcome. Non-stream answers
// come back whole; streams are handed over only after their first content chunk, so any failure
// before that is still a clean HTTP error.
import type { ChatOutcome, ChatRequest, OutcomeMeta } from "./api.ts";
import { estimateUsage } from "./accounting.ts";
import { runCandidates, type LoopResult } from "./attempt-loop.ts";
import { completionExec, streamExec, type BodyFor } from "./chat-attempt.ts";
import { validUsage } from "./chunks.ts";
import type { Core, RequestCtx } from "./context.ts";
import { decideChat } from "./decide.ts";
import { allFailed, clientGone, contentPolicy, gatewayFault, type ErrorAnswer } from "./errors.ts";
import { superviseStream } from "./stream.ts";
import type { ChatCompletion } from "./upstream.ts";

export function finishMeta(core: Core, meta: OutcomeMeta, status: number, errorClass: string | null): void {
  meta.status = status;
  meta.errorClass = errorClass;
  meta.endedAt = core.ports.clock.now();
  core.observer.requestDone?.(meta);
}

export function errorOutcome(core: Core, meta: OutcomeMeta, a: ErrorAnswer, errorClass: string) {
  finishMeta(core, meta, a.status, errorClass);
  return { kind: "error" as const, status: a.status, error: a.error, retryAfterS: a.retryAfterS, meta };
}

/** The answer for a loop that did not succeed. */
export function failedAnswer(ctx: RequestCtx, r: Exclude<LoopResult<unknown>, { kind: "ok" }>): [ErrorAnswer, string] {
  if (r.kind === "client_gone") return [clientGone(), "client_gone"];
  if (r.kind === "returned") return [contentPolicy(r.failure), "content_policy"];
  if (r.kind === "gateway_fault") return [gatewayFault(), "gateway_fault"];
  const answer = allFailed(ctx);
  if (answer.status === 400) return [answer, "unservable"];
  return [answer, ctx.meta.attempts.length === 0 ? "no_available_model" : (ctx.lastFailure?.cls ?? "upstream")];
}

function contentChars(body: ChatCompletion): number {
  let n = 0;
  for (const c of body.choices) if (typeof c.message?.content === "string") n += c.message.content.length;
  return n;
}

export async function chat(core: Core, req: ChatRequest): Promise<ChatOutcome> {
  const { meta, needs, prepared: prep } = decideChat(core, req);
  if (!prep.ok) return errorOutcome(core, meta, prep.answer, "route");
  const { ctx, viable } = prep;
  if (viable.length === 0) return errorOutcome(core, meta, ...failedAnswer(ctx, { kind: "exhausted" }));

  if (!needs.stream) {
    const bodyFor: BodyFor = (e) => ({ ...req.body, model: e.node.upstream });
    const r = await runCandidates(ctx, viable, completionExec(ctx, bodyFor));
    ctx.client.close();
    if (r.kind !== "ok") {
      const [answer, cls] = failedAnswer(ctx, r);
      return errorOutcome(core, meta, answer, cls);
    }
    const usage = validUsage(r.value.usage) ?? estimateUsage(needs.promptTokens, contentChars(r.value));
    r.handle.succeed(usage, r.status);
    finishMeta(core, meta, 200, null);
    return { kind: "completion", body: { ...r.value, model: r.handle.entry.name, usage }, meta };
  }

  const clientOptions = req.body.stream_options;
  const includeUsage =
    typeof clientOptions === "object" && clientOptions !== null && (clientOptions as Record<string, unknown>).include_usage === true;
  // always ask for usage upstream: accounting needs it even when the client did not ask
  const bodyFor: BodyFor = (e) => ({
    ...req.body,
    model: e.node.upstream,
    stream: true,
    stream_options: { ...(typeof clientOptions === "object" && clientOptions !== null ? clientOptions : {}), include_usage: true },
  });
  const r = await runCandidates(ctx, viable, streamExec(ctx, bodyFor));
  if (r.kind !== "ok") {
    ctx.client.close();
    const [answer, cls] = failedAnswer(ctx, r);
    return errorOutcome(core, meta, answer, cls);
  }
  meta.servedModel = r.handle.entry.name;
  const events = superviseStream(
    {
      ctx,
      bodyFor,
      remaining: viable.slice(r.index + 1),
      includeUsage,
      onEnd: () => {
        ctx.client.close();
        meta.endedAt = core.ports.clock.now();
        core.observer.requestDone?.(meta);
      },
    },
    r,
  );
  return { kind: "stream", events, meta };
}
