// The failover loop shared by chat, streams, continuations and embeddings: walk the ordered
// candidates, retry a model while its failures are retryable (with backoff, never past the total
// deadline), move on otherwise, and stop early only for a client-visible answer (content policy).
import { recordSkip, AttemptHandle } from "../state/accounting.ts";
import { AttemptRun } from "./attempt-run.ts";
import { admit, release } from "../state/breaker.ts";
import { classifyError, isGatewayFault, timeoutFailure, type Failure } from "./classify.ts";
import type { RequestCtx } from "../flow/context.ts";
import { skipReason } from "../plan/candidates.ts";
import { isRetryable, retryDelay } from "./retry.ts";
import type { ModelEntry } from "../plan/tables.ts";

export type ExecResult<T> = { ok: true; value: T; status: number } | { ok: false; failure: Failure };

/** Runs one attempt. It may throw; the loop classifies (preferring the run's own abort reason). */
export type Exec<T> = (entry: ModelEntry, run: AttemptRun, handle: AttemptHandle) => Promise<ExecResult<T>>;

export type LoopResult<T> =
  | { kind: "ok"; value: T; status: number; handle: AttemptHandle; index: number }
  /** A failure that goes back to the client as is (content policy). */
  | { kind: "returned"; failure: Failure }
  | { kind: "client_gone" }
  /** The gateway itself failed to make the attempt (see GatewayFault): no provider is to blame. */
  | { kind: "gateway_fault"; error: unknown }
  | { kind: "exhausted" };

export function secretFor(ctx: RequestCtx, entry: ModelEntry): string | undefined {
  const env = entry.provider.keyEnv;
  return env === null ? undefined : ctx.core.ports.secrets.get(env);
}

export async function runCandidates<T>(
  ctx: RequestCtx,
  candidates: ModelEntry[],
  exec: Exec<T>,
): Promise<LoopResult<T>> {
  const { clock, random } = ctx.core.ports;
  const retry = ctx.settings.retry;
  const cfg = ctx.settings.breaker;
  let lastModel: string | null = null;
  for (let i = 0; i < candidates.length; i++) {
    const entry = candidates[i]!;
    for (let n = 0; ; n++) {
      if (ctx.signal.aborted) return { kind: "client_gone" };
      if (ctx.attemptsUsed >= retry.maxPerRequest) return { kind: "exhausted" };
      const now = clock.now();
      if (now >= ctx.deadline) {
        if (ctx.lastFailure?.cls !== "timeout") ctx.lastFailure = timeoutFailure("total");
        return { kind: "exhausted" };
      }
      const skip = skipReason(ctx, entry, now);
      if (skip !== null) {
        recordSkip(ctx, entry.name, skip);
        break;
      }
      const modelAdmission = admit(entry.breaker, cfg, now, entry.onBreaker);
      const providerAdmission = modelAdmission && admit(entry.providerBreaker, cfg, now, entry.onProviderBreaker);
      if (!modelAdmission || !providerAdmission) {
        if (modelAdmission) release(entry.breaker, modelAdmission);
        recordSkip(ctx, entry.name, "breaker_open");
        break;
      }
      if (lastModel !== null && lastModel !== entry.name) ctx.meta.failovers++;
      lastModel = entry.name;
      ctx.attemptsUsed++;
      const run = new AttemptRun(clock, ctx.signal, ctx.deadline, ctx.client);
      const handle = new AttemptHandle(ctx, entry, run, modelAdmission, providerAdmission);
      let result: ExecResult<T>;
      try {
        result = await exec(entry, run, handle);
      } catch (err) {
        if (!run.aborted && isGatewayFault(err)) {
          handle.withdraw(); // releases the breaker admissions; no attempt reached the provider
          return { kind: "gateway_fault", error: err };
        }
        result = { ok: false, failure: classifyError(run.abortReason ?? err, ctx.core.redactor) };
      }
      if (result.ok) return { kind: "ok", value: result.value, status: result.status, handle, index: i };
      if (run.clientGone || ctx.signal.aborted) {
        handle.abandon(null);
        return { kind: "client_gone" };
      }
      const f = result.failure;
      handle.fail(f);
      if (f.cls === "content_policy" && !ctx.settings.failoverOnContentPolicy) return { kind: "returned", failure: f };
      if (f.cls === "context_length") {
        ctx.minContext = Math.max(ctx.minContext, entry.node.contextWindow);
        break;
      }
      if (n + 1 >= retry.attempts || !isRetryable(f, retry)) break;
      const delay = retryDelay(f, n, retry, random);
      if (delay === null || clock.now() + delay >= ctx.deadline) break;
      try {
        await clock.sleep(delay, ctx.signal);
      } catch {
        return { kind: "client_gone" };
      }
    }
  }
  return { kind: "exhausted" };
}
