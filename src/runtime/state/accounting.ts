// Bookkeeping for one attempt, in one place: counters, quotas, breakers, rolling windows, the
// AttemptRecord in the outcome meta and the observer call. The attempt loop and the stream
// supervisor only say how an attempt ended; this decides what that means for state.
import type { AttemptRecord, SkipRecord } from "../api.ts";
import type { AttemptRun } from "../attempt/attempt-run.ts";
import { recordFailure, recordSuccess, release, type Admission } from "./breaker.ts";
import { attemptLabel, isProviderWide, isUpstreamFault, type Failure } from "../attempt/classify.ts";
import type { RequestCtx } from "../flow/context.ts";
import { addUsage, markSpent, type QuotaSlot } from "./quotas.ts";
import type { QuotaLeases } from "../ports.ts";
import { bookKeyUsage } from "./access.ts";
import type { ModelEntry } from "../plan/tables.ts";
import type { Usage } from "../upstream.ts";
import { errorRate, recordResult, recordTiming } from "./windows.ts";

// shared abort reasons: the hot path should not build an Error (and its stack) per attempt
const ABANDONED = new Error("attempt abandoned");
const CLIENT_LEFT = new Error("client closed the request");

/** What one attempt adds to `requests` quotas (read only, so one shared object). */
const ONE_REQUEST = { requests: 1, tokens: 0, usd: 0 } as const;

/** Without an upstream quota window to mark, a `quota` failure blocks the model this long. */
const UPSTREAM_QUOTA_BLOCK_MS = 60_000;

export function costOf(entry: ModelEntry, usage: Usage): number {
  return (usage.prompt_tokens * entry.node.priceIn + usage.completion_tokens * entry.node.priceOut) / 1_000_000;
}

export function estimateUsage(promptTokens: number, outputChars: number): Usage {
  const completion = Math.ceil(outputChars / 4);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

/** The attempt was admitted: it counts against `requests` quotas now (and spends a leased unit). */
function admitQuotas(slots: QuotaSlot[], now: number, leases: QuotaLeases | null): void {
  for (const slot of slots) {
    if (slot.limit.metric !== "requests") continue;
    addUsage(slot, now, ONE_REQUEST);
    if (leases !== null) leases.admitted(slot.key, now);
  }
}

export function recordSkip(ctx: RequestCtx, model: string, reason: SkipRecord["reason"]): void {
  const skip: SkipRecord = { model, reason };
  ctx.meta.skipped.push(skip);
  ctx.core.observer.skip?.(ctx.meta, skip);
}

export class AttemptHandle {
  ttftMs: number | null = null;
  /**
   * Whether output arrived as a stream after the first token. A whole reply (non-stream, or a
   * completion served to a stream request) arrives at once: the time after its "first token" is
   * only our own processing, and dividing its tokens by that gave millions of tokens/s.
   */
  streamed = false;
  #done = false;

  constructor(
    private readonly ctx: RequestCtx,
    readonly entry: ModelEntry,
    readonly run: AttemptRun,
    private readonly modelAdmission: Admission,
    private readonly providerAdmission: Admission,
  ) {
    entry.counters.requests++;
    const now = run.startedAt;
    if (entry.modelQuotas.length > 0) admitQuotas(entry.modelQuotas, now, ctx.core.quotaLeases);
    if (entry.providerQuotas.length > 0) admitQuotas(entry.providerQuotas, now, ctx.core.quotaLeases);
  }

  /** Books usage (the upstream's, or an estimate) and returns what was booked. */
  #book(usage: Usage): number {
    const { entry, ctx } = this;
    const now = ctx.core.ports.clock.now();
    const cost = costOf(entry, usage);
    const c = entry.counters;
    c.tokensIn += usage.prompt_tokens;
    c.tokensOut += usage.completion_tokens;
    c.costUsd += cost;
    if (entry.modelQuotas.length > 0 || entry.providerQuotas.length > 0) {
      const amounts = { requests: 0, tokens: usage.prompt_tokens + usage.completion_tokens, usd: cost };
      for (const slot of entry.modelQuotas) if (slot.limit.metric !== "requests") addUsage(slot, now, amounts);
      for (const slot of entry.providerQuotas) if (slot.limit.metric !== "requests") addUsage(slot, now, amounts);
    }
    ctx.meta.costUsd += cost;
    if (ctx.access !== null) bookKeyUsage(ctx.access, now, usage.prompt_tokens, usage.completion_tokens, cost);
    return cost;
  }

  succeed(usage: Usage, status: number): void {
    if (this.#done) return;
    this.#done = true;
    const { entry, ctx, run } = this;
    const now = ctx.core.ports.clock.now();
    const cfg = ctx.settings.breaker;
    this.#book(usage);
    entry.counters.successes++;
    recordSuccess(entry.breaker, cfg, this.modelAdmission, now, entry.onBreaker);
    recordSuccess(entry.providerBreaker, cfg, this.providerAdmission, now, entry.onProviderBreaker);
    recordResult(entry.window, now, true, cfg.windowMs);
    recordTiming(entry.window, now - run.startedAt, this.ttftMs, this.streamed ? usage.completion_tokens : 0);
    ctx.meta.usage = usage;
    ctx.meta.servedModel = entry.name;
    if (ctx.stickyKey !== null) {
      ctx.core.sticky.set(ctx.stickyKey, entry.name);
      ctx.core.stickyPins?.served(ctx.stickyKey, entry.name);
    }
    this.#record(status, "ok", null, now);
    run.finish();
  }

  /** `partial`: what a broken stream already produced (billed even though it failed). */
  fail(f: Failure, partial: Usage | null = null): void {
    if (this.#done) return;
    this.#done = true;
    const { entry, ctx, run } = this;
    const now = ctx.core.ports.clock.now();
    const cfg = ctx.settings.breaker;
    if (partial) this.#book(partial);
    entry.counters.failures++;
    if (f.cls === "quota") this.#markQuota(f, now);
    else if (f.retryAfterMs !== null && f.retryAfterMs > ctx.settings.retry.retryAfterCapMs) this.#stayAway(f, now);
    if (isUpstreamFault(f.cls)) {
      recordResult(entry.window, now, false, cfg.windowMs);
      const { total, rate } = errorRate(entry.window, now, cfg.windowMs);
      const tripped = cfg.errorRate !== null && total >= cfg.minRequests && rate >= cfg.errorRate;
      recordFailure(entry.breaker, cfg, this.modelAdmission, now, entry.onBreaker, tripped);
    } else {
      release(entry.breaker, this.modelAdmission);
    }
    if (isProviderWide(f.cls)) {
      recordFailure(entry.providerBreaker, cfg, this.providerAdmission, now, entry.onProviderBreaker, false);
    } else if (f.cls === "timeout") {
      release(entry.providerBreaker, this.providerAdmission);
    } else {
      // any other answer proves the provider reachable and our key accepted
      recordSuccess(entry.providerBreaker, cfg, this.providerAdmission, now, entry.onProviderBreaker);
    }
    ctx.trail.push(attemptLabel(entry.name, f.status, f.cls));
    ctx.lastFailure = f;
    this.#record(f.status, f.cls, f.message, now, f.retryAfterMs);
    if (!run.aborted) run.abort(ABANDONED);
    run.finish();
  }

  /**
   * The client left: give probe slots back without judging the upstream. Recorded as `cancelled`
   * (with the upstream's status when it was serving), so the trail shows who served until then.
   */
  /** The gateway failed before any byte reached the upstream: release the admissions, record nothing. */
  withdraw(): void {
    if (this.#done) return;
    this.#done = true;
    release(this.entry.breaker, this.modelAdmission);
    release(this.entry.providerBreaker, this.providerAdmission);
    this.run.finish();
  }

  abandon(usage: Usage | null, status: number | null = null): void {
    if (this.#done) return;
    this.#done = true;
    if (usage) this.#book(usage);
    this.#record(status, "cancelled", "the client left", this.ctx.core.ports.clock.now());
    release(this.entry.breaker, this.modelAdmission);
    release(this.entry.providerBreaker, this.providerAdmission);
    if (!this.run.aborted) this.run.abort(CLIENT_LEFT);
    this.run.finish();
  }

  #markQuota(f: Failure, now: number): void {
    const { entry, ctx } = this;
    const slots = entry.modelQuotas.length > 0 ? entry.modelQuotas : entry.providerQuotas;
    const leases = ctx.core.quotaLeases;
    for (const slot of slots) {
      markSpent(slot, now);
      if (leases !== null && slot.limit.metric === "requests") leases.exhausted(slot.key, now);
    }
    if (slots.length === 0) {
      entry.upstreamBlock.windowStart = now + (f.retryAfterMs ?? UPSTREAM_QUOTA_BLOCK_MS);
      entry.upstreamBlock.used = 1;
    }
  }

  /**
   * The upstream named a time to come back (a 429 or 503 Retry-After) later than this request would
   * wait: the model is blocked until then like a spent upstream quota (skip reason `quota`), so the
   * next requests fail over at once instead of each collecting the same refusal.
   */
  #stayAway(f: Failure, now: number): void {
    const block = this.entry.upstreamBlock;
    const until = now + f.retryAfterMs!;
    if (block.used > 0 && block.windowStart >= until) return;
    block.windowStart = until;
    block.used = 1;
  }

  #record(
    status: number | null,
    cls: AttemptRecord["cls"],
    message: string | null,
    now: number,
    retryAfterMs: number | null = null,
  ): void {
    const record: AttemptRecord = {
      model: this.entry.name,
      provider: this.entry.provider.name,
      status,
      cls,
      startedAt: this.run.startedAt,
      durationMs: now - this.run.startedAt,
      ttftMs: this.ttftMs,
      message,
    };
    if (retryAfterMs !== null) record.retryAfterMs = retryAfterMs; // failures only: a replay waits as the upstream asked
    this.ctx.meta.attempts.push(record);
    this.ctx.core.observer.attempt?.(this.ctx.meta, record);
  }
}
