// How a request path ends: close the outcome meta and tell the observer, and turn a failed
// failover loop into its error answer. Shared by the chat and embeddings paths.
import type { OutcomeMeta } from "../api.ts";
import type { LoopResult } from "../attempt/attempt-loop.ts";
import type { Core, RequestCtx } from "./context.ts";
import { allFailed, clientGone, contentPolicy, gatewayFault, type ErrorAnswer } from "./errors.ts";

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

/** How a request refused before any attempt is classed: `key` for the key checks (401/403/429), else `route`. */
export function prepareClass(a: ErrorAnswer): string {
  return a.status === 401 || a.status === 403 || a.status === 429 ? "key" : "route";
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
