// What a simulated provider does on one attempt. The simulator decides it per request (scenario
// faults, outages by clock time), the default reads the policy's `sim` profile; either way the
// simulated adapter only plays it out, so the engine sees the same replies and errors it would
// see from a real upstream.
import type { ModelNode, ProviderNode, SimProfile } from "../compile/graph.ts";
import type { Random } from "../runtime/ports.ts";
import { UpstreamError, type UpstreamCall } from "../runtime/upstream.ts";
import { classifyHttp, inBandError, retryAfterMs } from "./errors.ts";

export type SimFault =
  /** `retryAfterDate`: the hint is sent as an HTTP-date (whole seconds) and read back by the real parser. */
  | { kind: "status"; status: number; retryAfterMs?: number; retryAfterDate?: boolean }
  | { kind: "reset" }
  | { kind: "no_response" }
  | { kind: "slow_first_token"; ms: number }
  | { kind: "stall_after"; tokens: number }
  | { kind: "cut_after"; tokens: number }
  | { kind: "malformed" }
  | { kind: "context_length" }
  | { kind: "content_policy" }
  | { kind: "quota" }
  /** An in-band `{"error": …}` event after `tokens` tokens of a 200 stream (a server error once replying). */
  | { kind: "error_event"; tokens: number }
  /** A stream that sends every token but no finish_reason, then ends: the terminator never comes. */
  | { kind: "no_terminator" }
  /** A stream that sends its finish_reason, then loses the connection before the terminator. */
  | { kind: "cut_after_finish" }
  /** Not a fault: the model stops after `tokens` with finish_reason `length`, as at a max_tokens limit. */
  | { kind: "length_stop"; tokens: number };

export interface SimBehaviour {
  ttftMs: number;
  perTokenMs: number;
  outputTokens: number;
  fault?: SimFault | null;
  /**
   * Shortest virtual time between stream chunks (default 1 ms): tokens due closer together share a
   * chunk, sent when its last token is due. The simulator raises it to cut clock instants per
   * stream; the first token, the last, and the token before a cut or stall keep their exact times.
   */
  chunkMs?: number;
}

/** Decides one attempt's behaviour; `now` is the clock time the attempt starts, `call` the attempt's request. */
export type BehaviourSource = (
  model: ModelNode,
  provider: ProviderNode,
  now: number,
  random: Random,
  call: UpstreamCall,
) => SimBehaviour;

/**
 * For a provider with no `sim` profile, i.e. an `openai` or `anthropic` provider that a simulation
 * stands in for without scenario behaviour: quick, healthy, short replies. (A `simulated` provider
 * always has a profile: the compiler fills its unset fields from the checker's SIM_DEFAULTS.)
 */
export const DEFAULT_SIM_PROFILE: SimProfile = {
  ttftMs: 200,
  perTokenMs: 20,
  outputTokens: 32,
  errorRate: 0,
  errorStatus: 503,
  outage: null,
};

/**
 * The policy's profile as behaviour. A periodic outage covers the last `downMs` of every period,
 * so a run that starts at time 0 starts healthy and the first failover shows up mid-run.
 */
export function profileBehaviour(_model: ModelNode, provider: ProviderNode, now: number, random: Random): SimBehaviour {
  const p = provider.sim ?? DEFAULT_SIM_PROFILE;
  let fault: SimFault | null = null;
  if (p.outage && p.outage.periodMs > 0 && now % p.outage.periodMs >= p.outage.periodMs - p.outage.downMs) {
    fault = { kind: "status", status: p.outage.status };
  } else if (p.errorRate > 0 && random.next() < p.errorRate) {
    fault = { kind: "status", status: p.errorStatus };
  }
  return { ttftMs: p.ttftMs, perTokenMs: p.perTokenMs, outputTokens: p.outputTokens, fault };
}

/**
 * The error a fault produces before any reply, or null when the fault happens later (or never).
 * `now` is the clock time of the attempt, which an HTTP-date Retry-After is written against.
 */
export function faultError(provider: string, fault: SimFault | null | undefined, now = 0): UpstreamError | null {
  if (!fault) return null;
  const name = `simulated provider \`${provider}\``;
  switch (fault.kind) {
    case "status": {
      const cls = classifyHttp(fault.status, { message: null, type: null, code: null });
      return new UpstreamError(cls, `${name} answered ${fault.status}`, fault.status, retryHint(fault, now));
    }
    case "reset":
      return new UpstreamError("reset", `${name} reset the connection`, null, null, "ECONNRESET");
    case "context_length":
      return new UpstreamError(
        "context_length",
        `${name}: the prompt exceeds the context window`,
        400,
        null,
        "context_length_exceeded",
      );
    case "content_policy":
      return new UpstreamError(
        "content_policy",
        `${name}: the request was rejected by the content filter`,
        400,
        null,
        "content_policy_violation",
      );
    case "quota":
      return new UpstreamError("quota", `${name}: the quota is spent`, 429, null, "insufficient_quota");
    default:
      return null;
  }
}

/**
 * The Retry-After the engine reads from a status fault. An HTTP-date goes through the same parser as
 * a real upstream's header, so its whole-second resolution shortens the wait as it would live.
 */
function retryHint(fault: { retryAfterMs?: number; retryAfterDate?: boolean }, now: number): number | null {
  if (fault.retryAfterMs === undefined) return null;
  if (!fault.retryAfterDate) return fault.retryAfterMs;
  const date = new Date(now + fault.retryAfterMs).toUTCString();
  return retryAfterMs(new Headers({ "retry-after": date }), now);
}

/**
 * How a stream with this fault breaks once its tokens are out: an in-band error event, read by the
 * same classifier as a real stream's, or the connection dropping (`cut`).
 */
export function streamBreak(provider: string, fault: SimFault | null | undefined): UpstreamError {
  if (fault?.kind === "error_event")
    return inBandError(
      provider,
      { error: { message: "the server had an error while processing your request", type: "server_error" } },
      undefined,
    );
  return new UpstreamError("cut", `simulated provider \`${provider}\` ended the stream before it finished`, 200);
}

/** Resolves never; rejects with the abort reason once the engine gives up on the attempt. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
