// The chat request path: plan, run the failover loop, and shape the outcome. Non-stream answers
// come back whole; streams are handed over only after their first content chunk, so any failure
// before that is still a clean HTTP error.
import type { ChatOutcome, ChatRequest, MatchedHook } from "../api.ts";
import type { ListTarget } from "../plan/candidates.ts";
import { estimateUsage } from "../state/accounting.ts";
import { runCandidates } from "../attempt/attempt-loop.ts";
import { completionExec, streamExec, type BodyFor } from "../attempt/chat-attempt.ts";
import { validUsage } from "../stream/chunks.ts";
import type { Core, RequestCtx } from "./context.ts";
import { decideChat } from "../plan/decide.ts";
import { withSharedPin } from "../plan/shared-pin.ts";
import { allFailed } from "./errors.ts";
import { completeTrace, tracerFor } from "./explain.ts";
import { errorOutcome, failedAnswer, finishMeta, prepareClass } from "./outcome.ts";
import { superviseStream } from "../stream/supervise.ts";
import type { ChatCompletion } from "../upstream.ts";

function contentChars(body: ChatCompletion): number {
  let n = 0;
  for (const c of body.choices) if (typeof c.message?.content === "string") n += c.message.content.length;
  return n;
}

export async function chat(core: Core, req: ChatRequest): Promise<ChatOutcome> {
  const tracer = tracerFor(req);
  const { meta, needs, prepared: prep } = decideChat(core, req, tracer);
  if (tracer !== undefined) meta.decision = completeTrace(tracer, needs, prep);
  if (!prep.ok) return errorOutcome(core, meta, prep.answer, prepareClass(prep.answer));
  const { ctx } = prep;
  const pinned = withSharedPin(ctx, prep.viable);
  const viable = Array.isArray(pinned) ? pinned : await pinned; // a promise only for a sticky key the cluster must be asked about
  if (req.onMatched !== undefined) {
    let served = answeredOnMatch(ctx, req.onMatched, prep.target);
    if (served instanceof Promise) served = await served;
    if (served !== null) {
      ctx.client.close();
      return served;
    }
  }
  if (viable.length === 0) return errorOutcome(core, meta, ...failedAnswer(ctx, { kind: "exhausted" }));

  if (!needs.stream) {
    const bodyFor: BodyFor = (e) => ({ ...req.body, model: e.node.upstream });
    const r = await runCandidates(ctx, viable, completionExec(ctx, { bodyFor, own: true }));
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
    typeof clientOptions === "object" &&
    clientOptions !== null &&
    (clientOptions as Record<string, unknown>).include_usage === true;
  // always ask for usage upstream: accounting needs it even when the client did not ask
  const bodyFor: BodyFor = (e) => ({
    ...req.body,
    model: e.node.upstream,
    stream: true,
    stream_options: {
      ...(typeof clientOptions === "object" && clientOptions !== null ? clientOptions : {}),
      include_usage: true,
    },
  });
  const r = await runCandidates(ctx, viable, streamExec(ctx, { bodyFor, own: true }));
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

/**
 * Asks the matched-rule hook (before any attempt, so even with every candidate down) whether it
 * answers. A hook that answers at once (the in-memory cache) costs the request no promise turn.
 */
function answeredOnMatch(
  ctx: RequestCtx,
  hook: MatchedHook,
  target: ListTarget,
): ChatOutcome | null | Promise<ChatOutcome | null> {
  const matched = { rule: target.key, models: target.listed.map((m) => m.name), cache: ctx.settings.cache ?? null };
  const served = hook(matched, ctx.meta);
  return served instanceof Promise ? served.then((s) => hookAnswered(ctx, s)) : hookAnswered(ctx, served);
}

function hookAnswered(ctx: RequestCtx, served: ChatOutcome | null): ChatOutcome | null {
  if (served !== null)
    finishMeta(
      ctx.core,
      ctx.meta,
      served.kind === "error" ? served.status : 200,
      served.kind === "error" ? "matched_hook" : null,
    );
  return served;
}
