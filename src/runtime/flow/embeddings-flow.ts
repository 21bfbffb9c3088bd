// The embeddings request path: routed by the `embeddings` capability through the same plan,
// failover, retry and breaker machinery as chat, minus streaming.
import type { EmbeddingsOutcome, EmbeddingsRequest } from "../api.ts";
import { runCandidates, secretFor, type Exec } from "../attempt/attempt-loop.ts";
import { validUsage } from "../stream/chunks.ts";
import { statusClass } from "../attempt/classify.ts";
import { newMeta, type Core, type RequestCtx } from "./context.ts";
import { allFailed } from "./errors.ts";
import { completeTrace, tracerFor } from "./explain.ts";
import { errorOutcome, failedAnswer, finishMeta, prepareClass } from "./outcome.ts";
import { inferEmbeddingNeeds } from "../plan/needs.ts";
import { prepare } from "../plan/request-plan.ts";
import { withSharedPin } from "../plan/shared-pin.ts";
import { UpstreamError } from "../upstream.ts";

type Body = Record<string, unknown>;

function embeddingsExec(ctx: RequestCtx, req: EmbeddingsRequest): Exec<Body> {
  return async (entry, run, handle) => {
    const t = ctx.settings.timeout;
    run.arm("first_token", run.startedAt + Math.max(t.connectMs, t.firstTokenMs));
    if (!entry.adapter) throw new UpstreamError("connect", `no adapter for provider kind \`${entry.provider.kind}\``);
    const call = {
      provider: entry.provider,
      model: entry.node,
      body: { ...req.body, model: entry.node.upstream },
      stream: false,
      apiKey: secretFor(ctx, entry),
      headers: (ctx.upstreamHeaders ??= { "x-request-id": ctx.id }),
      signal: entry.adapter.lightSignal === true ? run.lightSignal : run.signal,
    };
    const reply = await run.race(entry.adapter.embeddings(call, ctx.core.ports));
    if (reply.status >= 400)
      throw new UpstreamError(statusClass(reply.status), `upstream answered ${reply.status}`, reply.status);
    if (typeof reply.body !== "object" || reply.body === null || !Array.isArray(reply.body.data)) {
      throw new UpstreamError("malformed", "embeddings reply without a data array");
    }
    handle.ttftMs = ctx.core.ports.clock.now() - run.startedAt;
    return { ok: true, value: reply.body, status: reply.status };
  };
}

export async function embeddings(core: Core, req: EmbeddingsRequest): Promise<EmbeddingsOutcome> {
  const meta = newMeta(req.id, req.route, core.ports.clock.now());
  const needs = inferEmbeddingNeeds(req.body);
  const tracer = tracerFor(req);
  const prep = prepare(core, req, needs, false, meta, tracer);
  if (tracer !== undefined) meta.decision = completeTrace(tracer, needs, prep);
  if (!prep.ok) return errorOutcome(core, meta, prep.answer, prepareClass(prep.answer));
  const { ctx } = prep;
  const pinned = withSharedPin(ctx, prep.viable);
  const viable = Array.isArray(pinned) ? pinned : await pinned;
  if (viable.length === 0) return errorOutcome(core, meta, ...failedAnswer(ctx, { kind: "exhausted" }));
  const r = await runCandidates(ctx, viable, embeddingsExec(ctx, req));
  ctx.client.close();
  if (r.kind !== "ok") {
    const [answer, cls] = failedAnswer(ctx, r);
    return errorOutcome(core, meta, answer, cls);
  }
  const raw = r.value.usage as Record<string, unknown> | undefined;
  const usage = validUsage(raw ? { completion_tokens: 0, ...raw } : undefined) ?? {
    prompt_tokens: needs.promptTokens,
    completion_tokens: 0,
    total_tokens: needs.promptTokens,
  };
  r.handle.succeed(usage, r.status);
  finishMeta(core, meta, 200, null);
  return { kind: "ok", body: { ...r.value, model: r.handle.entry.name }, meta };
}
