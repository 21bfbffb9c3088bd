// What every block of a policy may contain: keys, value kinds and ranges (the built-in defaults are in
// defaults.ts). The checker validates against it and the compiler reads values with it (see
// read-value.ts), so a setting's name, unit and default are written down exactly once.
import {
  CAPABILITIES,
  FAILURE_CLASSES,
  PROVIDER_KINDS,
  STREAM_ON_BREAK,
  STREAM_TOOL_CALLS,
  type ProviderKind,
} from "../syntax/vocabulary.ts";

/**
 * The kind of value a key takes. Canonical values (what read-value.ts returns): durations in ms,
 * percentages as fractions 0..1, money in USD, counts and sizes as plain numbers.
 */
export type FieldSchema =
  | { type: "duration"; min: number; max?: number; doc: string } // min/max in ms
  | { type: "int"; min: number; max: number; doc: string } // a plain whole number
  | { type: "count"; min: number; max: number; doc: string } // a whole number or a size (`128k`)
  | { type: "percent"; min: number; max: number; doc: string } // min/max in percent
  | { type: "money"; doc: string }
  | { type: "bool"; doc: string }
  | { type: "word"; words: readonly string[]; doc: string }
  | { type: "string"; doc: string }
  | { type: "url"; doc: string }
  | { type: "secret"; doc: string } // env("NAME")
  | { type: "secrets"; doc: string } // [env("A"), env("B")]
  | { type: "caps"; doc: string } // [chat, tools]
  | { type: "provider_ref"; doc: string }
  | { type: "retry_on"; doc: string } // [429, 5xx, connect]
  | { type: "limits"; metric: LimitMetric; doc: string } // a rate or a list of rates
  | { type: "headers"; doc: string } // { "Name" "value" }
  | { type: "refs"; doc: string } // [chat, embed]: names of declarations (resolved by a pass)
  | { type: "ref"; doc: string } // search: the name of one declaration (resolved by a pass)
  | { type: "tags"; doc: string } // { team "search"  env "prod" }
  | { type: "block"; fields: BlockSchema; doc: string };

export type LimitMetric = "requests" | "tokens" | "usd";

export interface BlockSchema {
  [key: string]: FieldSchema & { kinds?: readonly ProviderKind[] };
}

const DURATION_POSITIVE = 1;
const status = (doc: string): FieldSchema => ({ type: "int", min: 100, max: 599, doc });

/** The settings blocks allowed in `defaults`, in a route and in a rule's target block. */
export const settingsSchema = {
  timeout: {
    type: "block",
    doc: "time limits for one attempt (and the whole request)",
    fields: {
      connect: { type: "duration", min: DURATION_POSITIVE, doc: "to open the upstream connection" },
      first_token: { type: "duration", min: DURATION_POSITIVE, doc: "to the first content chunk" },
      idle: { type: "duration", min: DURATION_POSITIVE, doc: "longest gap between stream chunks" },
      total: { type: "duration", min: DURATION_POSITIVE, doc: "for the whole request, failovers included" },
    },
  },
  retry: {
    type: "block",
    doc: "retries on one model and across candidates",
    fields: {
      attempts: { type: "int", min: 1, max: 10, doc: "attempts per model" },
      max_per_request: { type: "int", min: 1, max: 50, doc: "attempts across all candidates" },
      backoff: {
        type: "block",
        doc: "exponential backoff between attempts",
        fields: {
          base: { type: "duration", min: 0, doc: "first delay" },
          max: { type: "duration", min: 0, doc: "largest delay" },
          jitter: { type: "percent", min: 0, max: 100, doc: "fraction of the delay randomised" },
        },
      },
      on: { type: "retry_on", doc: "statuses, status classes (`5xx`) and failure classes that are retried" },
      retry_after_cap: { type: "duration", min: 0, doc: "longer Retry-After: fail over instead of waiting" },
    },
  },
  breaker: {
    type: "block",
    doc: "per-model circuit breaker",
    fields: {
      failures: { type: "int", min: 1, max: 1000, doc: "consecutive failures that open it" },
      error_rate: {
        type: "percent",
        min: 0,
        max: 100,
        doc: "error rate over `window` that opens it; 0% turns the rate rule off",
      },
      window: { type: "duration", min: DURATION_POSITIVE, doc: "window of the error rate" },
      min_requests: { type: "int", min: 1, max: 1_000_000, doc: "requests in the window before the rate counts" },
      cooldown: { type: "duration", min: DURATION_POSITIVE, doc: "time open before probing" },
      probes: { type: "int", min: 1, max: 100, doc: "half-open probes let through" },
      successes: { type: "int", min: 1, max: 100, doc: "probe successes needed to close" },
    },
  },
  stream: {
    type: "block",
    doc: "what to do when a stream breaks after the first chunk, and when tool calls are sent",
    fields: {
      on_break: { type: "word", words: STREAM_ON_BREAK, doc: "continue | restart | fail" },
      tool_calls: {
        type: "word",
        words: STREAM_TOOL_CALLS,
        doc: "hold (send each tool call once complete) | pass (send deltas as they come)",
      },
    },
  },
  failover: {
    type: "block",
    doc: "which answers fail over",
    fields: { on_content_policy: { type: "bool", doc: "fail over on a content-policy refusal" } },
  },
  bounds: {
    type: "block",
    doc: "worst-case limits lint holds the policy to (not enforced at run time)",
    fields: {
      latency: { type: "duration", min: DURATION_POSITIVE, doc: "longest wait for the first token or the final error" },
      cost: { type: "money", doc: "highest cost of one request" },
      attempts: { type: "int", min: 1, max: 50, doc: "most upstream attempts for one request" },
    },
  },
  cache: {
    type: "block",
    doc: "exact-match response cache; on once `ttl` is above zero",
    fields: {
      ttl: {
        type: "duration",
        min: 0,
        max: 30 * 86_400_000,
        doc: "how long an answer is served from the cache; `0s` turns the cache off",
      },
      max_entries: { type: "count", min: 1, max: 100_000_000, doc: "answers kept before the least recently used go" },
      max_bytes: {
        type: "count",
        min: 1_000,
        max: 1_000_000_000_000,
        doc: "bytes of answers kept before the least recently used go",
      },
      shared: { type: "bool", doc: "callers with different keys share cached answers" },
    },
  },
} as const satisfies BlockSchema;

export type SettingsBlockName = keyof typeof settingsSchema;
export const SETTINGS_BLOCKS = Object.keys(settingsSchema) as SettingsBlockName[];

const limitsSchema: BlockSchema = {
  requests: { type: "limits", metric: "requests", doc: "requests per window, e.g. `500/min`" },
  tokens: { type: "limits", metric: "tokens", doc: "tokens per window, e.g. `1M/day`" },
  spend: { type: "limits", metric: "usd", doc: "USD per window, e.g. `$50/day`" },
};

export const gatewaySchema: BlockSchema = {
  keys: { type: "secrets", doc: "client keys accepted as `Authorization: Bearer …`; none = no auth" },
  admin_token: { type: "secret", doc: "token for /admin" },
  metrics_token: {
    type: "secret",
    doc: "token for /metrics (scrapers send it as a bearer token); without it, /metrics needs a client key when `keys` are set",
  },
  max_body: { type: "count", min: 1, max: 1_000_000_000, doc: "request body limit in bytes" },
  direct_models: { type: "bool", doc: "clients may name a model as `model`, not only a route" },
  shared_state: {
    type: "block",
    fields: sharedStateSchema(),
    doc: "state shared with the other instances through Redis (breakers, quotas, windows, sticky sessions)",
  },
};

/** `gateway { shared_state { … } }` (docs/state.md, "Shared state"). A function: gatewaySchema is built before later consts. */
function sharedStateSchema(): BlockSchema {
  return {
    redis: { type: "secret", doc: 'the Redis URL, always `env("NAME")` (it may carry a password)' },
    instance_id: {
      type: "secret",
      doc: 'this instance\'s name, from the environment (e.g. `env("HOSTNAME")`); default: host name and pid',
    },
    prefix: { type: "string", doc: "prefix of every key, so several gateways can share one Redis" },
    timeout: {
      type: "duration",
      min: 1,
      max: 5_000,
      doc: "longest a request waits on Redis before it goes on with local state",
    },
    sync: { type: "duration", min: 10, max: 60_000, doc: "how often windows are published and breakers re-read" },
    lease: { type: "int", min: 1, max: 10_000, doc: "requests of a quota one instance takes per round trip" },
  };
}

export const providerSchema: BlockSchema = {
  kind: { type: "word", words: PROVIDER_KINDS, doc: "openai | anthropic | simulated" },
  base_url: { type: "url", kinds: ["openai", "anthropic"], doc: "API root, e.g. `https://api.openai.com/v1`" },
  key: { type: "secret", kinds: ["openai", "anthropic"], doc: 'API key, always `env("NAME")`' },
  headers: { type: "headers", kinds: ["openai", "anthropic"], doc: "extra request headers" },
  quota: { type: "block", fields: limitsSchema, doc: "provider-wide limits" },
  ttft: { type: "duration", min: 0, kinds: ["simulated"], doc: "time to first token" },
  per_token: { type: "duration", min: 0, kinds: ["simulated"], doc: "time between tokens" },
  output_tokens: { type: "count", min: 1, max: 1_000_000, kinds: ["simulated"], doc: "tokens in a reply" },
  error_rate: { type: "percent", min: 0, max: 100, kinds: ["simulated"], doc: "chance an attempt fails" },
  error_status: { ...status("status of simulated failures"), kinds: ["simulated"] },
  outage: {
    type: "block",
    kinds: ["simulated"],
    doc: "periodic outage",
    fields: {
      every: { type: "duration", min: DURATION_POSITIVE, doc: "period" },
      for: { type: "duration", min: DURATION_POSITIVE, doc: "down time per period" },
      status: status("status returned while down"),
    },
  },
};

export const modelSchema: BlockSchema = {
  provider: { type: "provider_ref", doc: "the provider that serves it (required)" },
  upstream: { type: "string", doc: "model name sent upstream; default: the model's own name" },
  can: { type: "caps", doc: "capabilities (required): " + CAPABILITIES.join(" ") },
  context: { type: "count", min: 1, max: 100_000_000, doc: "context window in tokens" },
  max_output: { type: "count", min: 1, max: 100_000_000, doc: "largest reply in tokens" },
  price: {
    type: "block",
    doc: "USD per 1M tokens",
    fields: {
      input: { type: "money", doc: "per 1M prompt tokens" },
      output: { type: "money", doc: "per 1M reply tokens" },
    },
  },
  quota: { type: "block", fields: limitsSchema, doc: "per-model limits" },
};

/** `limit { … }` of a key or team: requests and tokens per window (spend goes in `budget`). */
const accessLimitSchema: BlockSchema = {
  requests: { type: "limits", metric: "requests", doc: "requests per window, e.g. `600/min`" },
  tokens: { type: "limits", metric: "tokens", doc: "prompt + reply tokens per window, e.g. `2M/day`" },
};

const budgetSchema: BlockSchema = {
  spend: {
    type: "limits",
    metric: "usd",
    doc: "USD per window, counted from actual usage and `price`, e.g. `$200/month`",
  },
  strict: {
    type: "bool",
    doc: "refuse a request up front when its worst-case cost exceeds what is left (default false)",
  },
};

export const keySchema: BlockSchema = {
  secret: { type: "secret", doc: 'the client key, always `env("NAME")`; clients send it as `Authorization: Bearer …`' },
  routes: { type: "refs", doc: "routes this key may call; omitted = all" },
  team: { type: "ref", doc: "the team whose limits and budget this key also counts against" },
  limit: { type: "block", fields: accessLimitSchema, doc: "request and token limits of this key" },
  budget: { type: "block", fields: budgetSchema, doc: "spend limit of this key" },
  tags: { type: "tags", doc: 'labels for `when tag name "value"` conditions' },
};

export const teamSchema: BlockSchema = {
  limit: { type: "block", fields: accessLimitSchema, doc: "request and token limits shared by the team's keys" },
  budget: { type: "block", fields: budgetSchema, doc: "spend limit shared by the team's keys" },
  tags: { type: "tags", doc: "labels every key of the team carries (a key's own tags win)" },
};

/** The schema of each declaration's body (a route's body holds settings; its rules are checked apart). */
export const DECL_SCHEMAS: Readonly<Record<string, BlockSchema>> = {
  gateway: gatewaySchema,
  defaults: settingsSchema,
  provider: providerSchema,
  model: modelSchema,
  route: settingsSchema,
  key: keySchema,
  team: teamSchema,
};

/** Keys a model or provider must have. */
export const REQUIRED_KEYS = { provider: ["kind"], model: ["provider", "can"] } as const;

export const RETRY_ON_WORDS: readonly string[] = FAILURE_CLASSES;
