// The validated, unit-resolved shape of a scenario file: what the traffic generator, the simulated
// providers' behaviour and the expectation checker read. Times are milliseconds from the run start.
import type { Api } from "./dialect-traffic.ts";
import type { WindowUnit } from "../syntax/vocabulary.ts";

/** A sampled quantity: fixed, uniform between bounds, or log-normal from a median and a p95. */
export type Dist =
  | { kind: "fixed"; value: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "lognormal"; median: number; p95: number };

/** Weighted choices for a header or metadata value; weights need not sum to 1. */
export type Choice = { value: string; weight: number }[];

export interface TrafficSpec {
  route: string;
  /** The API the requests are written in: chat completions, or a dialect translated as serve does. */
  api: Api;
  ratePerMs: number | null; // arrivals per ms; null when `count` is given
  count: number | null; // exactly this many requests, spread over [fromMs, toMs)
  arrival: "constant" | "poisson";
  fromMs: number;
  toMs: number;
  stream: number; // share of requests that stream, 0..1
  tools: number;
  images: number;
  json: number;
  promptTokens: Dist;
  outputTokens: Dist;
  headers: Record<string, Choice>;
  metadata: Record<string, Choice>;
  /** The declared key the requests are made with (its name); null: anonymous. */
  key: string | null;
  /** Share of requests that repeat an earlier request of this source word for word, 0..1. */
  repeat: number;
}

export const FAULT_KINDS = [
  "status",
  "reset",
  "no_response",
  "slow_first_token",
  "stall_after",
  "cut_after",
  "malformed",
  "context_length",
  "content_policy",
  "quota",
  "error_event",
  "no_terminator",
  "cut_after_finish",
  "length_stop",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultWindow {
  atMs: number;
  forMs: number; // Infinity when the window never ends
  fault: FaultKind;
  status: number; // for `status` (default 503)
  retryAfterMs: number | null; // for `status` 429/503
  retryAfterDate: boolean; // send it as an HTTP-date instead of seconds
  delayMs: number; // for `slow_first_token`
  tokens: number; // for `stall_after` / `cut_after` / `error_event` / `length_stop`
  share: number; // fraction of attempts in the window that hit the fault (default 1)
}

/** The upstream's own quota: once spent within a window, every call fails with `quota`. */
export interface UpstreamQuota {
  requests: number | null;
  tokens: number | null;
  per: WindowUnit;
}

export interface BehaviourSpec {
  ttftMs: Dist | null;
  perTokenMs: Dist | null;
  errorRate: number | null;
  errorStatus: number | null;
  faults: FaultWindow[];
  quota: UpstreamQuota | null;
}

export type LatencyMetric = "latency" | "ttft";

export type Expectation =
  | { check: "success_rate"; atLeast: number }
  | { check: "latency"; metric: LatencyMetric; percentile: 50 | 95 | 99; belowMs: number }
  | { check: "attempts_per_request"; atMost: number }
  | { check: "share"; model: string; fromMs: number; toMs: number; atLeast: number | null; atMost: number | null }
  | { check: "breaker_respected"; model: string }
  | { check: "breaker_opens"; model: string; withinMs: number }
  | { check: "recovers"; model: string; withinMs: number }
  /** Spend of a declared key or team over the run, in USD. */
  | { check: "spend"; owner: AccessOwner; atLeast: number | null; atMost: number | null }
  /** Requests of a key or team refused by its limits, budget or routes (403/429). */
  | { check: "refused"; owner: AccessOwner; atLeast: number | null; atMost: number | null }
  /** The response cache over the run: hits per lookup, and what the hits would have cost. */
  | { check: "cache_hit_rate" | "cache_saved"; atLeast: number | null; atMost: number | null }
  /** Requests a model served (ok) that arrived in [fromMs, toMs), across all instances. */
  | { check: "served"; model: string; fromMs: number; toMs: number; atLeast: number | null; atMost: number | null }
  /** Half-open probes sent to a model, cluster-wide, in any span of one breaker cool-down. */
  | { check: "probes_per_cooldown"; model: string; atMost: number };

export interface AccessOwner {
  scope: "key" | "team";
  name: string;
}

/** `instances:` N gateway instances behind a load balancer, sharing one in-memory store. */
export interface InstancesSpec {
  count: number;
  /** How long a store operation and a breaker notification take to reach the others. */
  propagationMs: number;
  balance: "round_robin" | "random";
  /** false: each instance keeps its own state, as without `shared_state` (for comparison). */
  shared: boolean;
}

export interface Scenario {
  name: string;
  seed: number;
  durationMs: number;
  traffic: TrafficSpec[];
  providers: Record<string, BehaviourSpec>;
  models: Record<string, BehaviourSpec>;
  expect: Expectation[];
  /** Absent: one instance, as before `instances:` existed. */
  instances?: InstancesSpec;
}
