// The built-in defaults and the canonical shape of resolved settings: what a policy gets where it
// says nothing. Kept apart from schema.ts (what a policy may say); both are the one place each is written.
import type { FailureClass, ProviderKind, StreamOnBreak, StreamToolCalls } from "../syntax/vocabulary.ts";

/** Where `kind openai|anthropic` sends requests when `base_url` is not given. */
export const PROVIDER_DEFAULT_BASE_URL: Readonly<Record<Exclude<ProviderKind, "simulated">, string>> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
};

/** A `retry.on` list in canonical form: `5xx` expanded to 500..599. */
export interface RetryOn {
  statuses: number[];
  classes: FailureClass[];
}

export interface SettingsValues {
  timeout: { connect: number; first_token: number; idle: number; total: number };
  retry: {
    attempts: number;
    max_per_request: number;
    backoff: { base: number; max: number; jitter: number };
    on: RetryOn;
    retry_after_cap: number;
  };
  breaker: {
    failures: number;
    error_rate: number;
    window: number;
    min_requests: number;
    cooldown: number;
    probes: number;
    successes: number;
  };
  stream: { on_break: StreamOnBreak; tool_calls: StreamToolCalls };
  failover: { on_content_policy: boolean };
  /** Declared worst-case bounds (ms, USD, count); null where none is declared. */
  bounds: { latency: number | null; cost: number | null; attempts: number | null };
  cache: { ttl: number; max_entries: number; max_bytes: number; shared: boolean };
}

/** The built-in defaults (language reference), canonical units: ms, fractions. */
export const BUILTIN_DEFAULTS: Readonly<SettingsValues> = {
  timeout: { connect: 10_000, first_token: 60_000, idle: 30_000, total: 600_000 },
  retry: {
    attempts: 2,
    max_per_request: 6,
    backoff: { base: 250, max: 8_000, jitter: 0.2 },
    on: { statuses: [429, 500, 502, 503, 504], classes: ["connect", "reset"] },
    retry_after_cap: 20_000,
  },
  breaker: {
    failures: 5,
    error_rate: 0.5,
    window: 60_000,
    min_requests: 20,
    cooldown: 30_000,
    probes: 1,
    successes: 2,
  },
  stream: { on_break: "continue", tool_calls: "hold" },
  failover: { on_content_policy: false },
  bounds: { latency: null, cost: null, attempts: null },
  cache: { ttl: 0, max_entries: 10_000, max_bytes: 256_000_000, shared: false },
};

/** Defaults outside the settings blocks, for the compiler. */
export const GATEWAY_DEFAULTS = { max_body: 10_000_000, direct_models: false } as const;
export const SHARED_STATE_DEFAULTS = { prefix: "switchyard", timeout: 50, sync: 100, lease: 10 } as const;
export const MODEL_DEFAULTS = { context: 128_000, max_output: 4_096, price: { input: 0, output: 0 } } as const;
export const SIM_DEFAULTS = { ttft: 200, per_token: 10, output_tokens: 50, error_rate: 0, error_status: 503 } as const;
