// What a simulated provider does on one attempt. The simulator decides it per request (scenario
// faults, outages by clock time), the default reads the policy's `sim` profile; either way the
// simulated adapter only plays it out, so the engine sees the same replies and errors it would
// see from a real upstream.
import type { ModelNode, ProviderNode, SimProfile } from "../compile/graph.ts";
import type { Random } from "../runtime/ports.ts";
import { UpstreamError, type UpstreamCall } from "../runtime/upstream.ts";
import { classifyHttp } from "./errors.ts";

export type SimFault =
  | { kind: "status"; status: number; retryAfterMs?: number }
  | { kind: "reset" }
  | { kind: "no_response" }
  | { kind: "slow_first_token"; ms: number }
  | { kind: "stall_after"; tokens: number }
  | { kind: "cut_after"; tokens: number }
  | { kind: "malformed" }
  | { kind: "context_length" }
  | { kind: "content_policy" }
  | { kind: "quota" };

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

/** The error a fault produces before any reply, or null when the fault happens later (or never). */
export function faultError(provider: string, fault: SimFault | null | undefined): UpstreamError | null {
  if (!fault) return null;
  const name = `simulated provider \`${provider}\``;
  switch (fault.kind) {
    case "status": {
      const cls = classifyHttp(fault.status, { message: null, type: null, code: null });
      return new UpstreamError(cls, `${name} answered ${fault.status}`, fault.status, fault.retryAfterMs ?? null);
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

/** Resolves never; rejects with the abort reason once the engine gives up on the attempt. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
