// OpenAI-shaped error answers the engine gives back, and the rule for the final status when every
// candidate failed: 400 when no candidate could ever serve the request (unservable.ts), 503
// (+ Retry-After) when nothing could be attempted right now, 504 when the last failure was a
// timeout, 502 otherwise, always with the per-attempt trail in the message.
import type { OpenAIErrorBody, SkipRecord } from "../api.ts";
import { availableAt } from "../plan/candidates.ts";
import type { Failure } from "../attempt/classify.ts";
import type { RequestCtx } from "./context.ts";
import { contextExhausted, neverServable } from "./unservable.ts";

export interface ErrorAnswer {
  status: number;
  error: OpenAIErrorBody;
  retryAfterS: number | null;
}

export function errorBody(message: string, type: string, code: string | null): OpenAIErrorBody {
  return { error: { message, type, param: null, code } };
}

export function noRuleMatched(route: string): ErrorAnswer {
  const message = `no rule of route \`${route}\` matches this request; add an \`otherwise\` rule to the route`;
  return { status: 400, error: errorBody(message, "invalid_request_error", "no_matching_rule"), retryAfterS: null };
}

export function contentPolicy(f: Failure): ErrorAnswer {
  const message = `the provider refused the request: ${f.message}`;
  return {
    status: 400,
    error: errorBody(message, "invalid_request_error", "content_policy_violation"),
    retryAfterS: null,
  };
}

/** The gateway failed to make an attempt itself (GatewayFault): its own 500, never a provider's 502. */
export function gatewayFault(): ErrorAnswer {
  const message = "the gateway could not prepare the upstream request; no provider was called";
  return { status: 500, error: errorBody(message, "server_error", "internal_error"), retryAfterS: null };
}

export function clientGone(): ErrorAnswer {
  return {
    status: 499,
    error: errorBody("client closed the request", "client_error", "client_closed_request"),
    retryAfterS: null,
  };
}

function describeSkips(skipped: SkipRecord[]): string {
  return skipped.map((s) => `${s.model} (${s.reason.replace("_", " ")})`).join(", ");
}

/**
 * Every candidate was skipped before any attempt: 503 with the earliest time one comes back.
 * All-open policy: when every candidate's breaker is open we do not force a "last resort" attempt
 * on an open breaker (that would defeat the cooldown and add latency to a likely failure); the
 * client gets 503 at once with Retry-After = seconds until the earliest breaker half-opens (or the
 * earliest spent quota resets). Half-open breakers then admit only their `probes`.
 */
export function nothingAvailable(ctx: RequestCtx): ErrorAnswer {
  const permanent = neverServable(ctx);
  if (permanent !== null) return permanent;
  const now = ctx.core.ports.clock.now();
  let earliest: number | null = null;
  for (const s of ctx.meta.skipped) {
    const entry = ctx.core.tables.models.get(s.model);
    const at = entry ? availableAt(ctx, entry, s.reason) : null;
    if (at !== null && (earliest === null || at < earliest)) earliest = at;
  }
  const retryAfterS = earliest === null ? null : Math.max(1, Math.ceil((earliest - now) / 1000));
  const why = ctx.meta.skipped.length > 0 ? `: ${describeSkips(ctx.meta.skipped)}` : "";
  const message = `no model of route \`${ctx.route}\` can take this request right now${why}`;
  return { status: 503, error: errorBody(message, "upstream_error", "no_available_model"), retryAfterS };
}

export function allFailed(ctx: RequestCtx): ErrorAnswer {
  if (ctx.meta.attempts.length === 0) return nothingAvailable(ctx);
  const tooLong = contextExhausted(ctx);
  if (tooLong !== null) return tooLong;
  const last = ctx.lastFailure;
  const timedOut = last?.cls === "timeout";
  const status = timedOut ? 504 : 502;
  const detail = last ? ` (last: ${last.message})` : "";
  const message = `all candidates of route \`${ctx.route}\` failed: ${ctx.trail.join(",")}${detail}`;
  const code = timedOut
    ? "upstream_timeout"
    : last?.cls === "context_length"
      ? "context_length_exceeded"
      : "upstream_failed";
  return { status, error: errorBody(message, "upstream_error", code), retryAfterS: null };
}
