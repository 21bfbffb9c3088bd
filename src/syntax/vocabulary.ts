// The fixed words of the language, shared by checker, compiler and engine so that a capability
// or strategy name means the same thing everywhere.

export const CAPABILITIES = [
  "chat",
  "stream",
  "tools",
  "vision",
  "json",
  "embeddings",
  "prefill",
  "reasoning",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Capabilities as bits: the engine tests `(model.caps & needs) === needs` per candidate. */
export const CAP_BIT: Readonly<Record<Capability, number>> = Object.fromEntries(
  CAPABILITIES.map((c, i) => [c, 1 << i]),
) as Record<Capability, number>;

export function capsToMask(caps: Iterable<Capability>): number {
  let mask = 0;
  for (const c of caps) mask |= CAP_BIT[c];
  return mask;
}

export function maskToCaps(mask: number): Capability[] {
  return CAPABILITIES.filter((c) => (mask & CAP_BIT[c]) !== 0);
}

export const PROVIDER_KINDS = ["openai", "anthropic", "simulated"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const STRATEGIES = ["priority", "round_robin", "weighted", "lowest_latency", "lowest_cost", "sticky"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const STREAM_ON_BREAK = ["continue", "restart", "fail"] as const;
export type StreamOnBreak = (typeof STREAM_ON_BREAK)[number];

export const STREAM_TOOL_CALLS = ["hold", "pass"] as const;
export type StreamToolCalls = (typeof STREAM_TOOL_CALLS)[number];

export const COMPARE_OPS = [
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "in",
  "starts_with",
  "ends_with",
  "contains",
  "matches",
] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

/** Failure classes: how the engine classifies every failed attempt; `retry.on` names them. */
export const FAILURE_CLASSES = [
  "connect", // could not connect / DNS / refused
  "reset", // connection reset before response headers
  "timeout", // any timeout (connect, first_token, idle, total)
  "rate_limit", // 429
  "server", // 5xx
  "client", // 4xx other than the ones below
  "auth", // 401, 403
  "not_found", // 404
  "context_length", // context_length_exceeded
  "content_policy", // content_policy_violation / refusal by filter
  "malformed", // unparsable upstream body or chunk
  "cut", // stream ended without finish (cut, or in-band error event)
  "quota", // provider said the quota is spent
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/**
 * The most `route x` hops a request may take from the route it named to a target with models. The
 * engine stops there (a guard against graphs that slipped past the checker) and the checker
 * reports longer chains (SY2035), so a policy that lints never fails on it at run time.
 */
export const MAX_ROUTE_HOPS = 16;

export const WINDOWS = ["second", "minute", "hour", "day", "month"] as const;
export type WindowUnit = (typeof WINDOWS)[number];

export const WINDOW_MS: Readonly<Record<WindowUnit, number>> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  month: 30 * 86_400_000,
};

/**
 * The fixed window of `unit` that contains `at`: a multiple of its length from the epoch (so days
 * are UTC days), except months, which are UTC calendar months. Quotas count in these windows; the
 * engine and the state tools both use this one definition.
 */
export function windowBounds(unit: WindowUnit, at: number): [start: number, end: number] {
  if (unit === "month") {
    const d = new Date(at);
    return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
  }
  const length = WINDOW_MS[unit];
  const start = Math.floor(at / length) * length;
  return [start, start + length];
}
