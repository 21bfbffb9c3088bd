// The compiled execution graph: plain JSON-serialisable data, printable by `switchyard graph`,
// and everything the engine needs with settings already resolved (defaults → route → target).
// The engine builds its lookup tables from this once per graph, never per request.
import type {
  CompareOp,
  FailureClass,
  ProviderKind,
  StreamOnBreak,
  StreamToolCalls,
  WindowUnit,
} from "../syntax/vocabulary.ts";

export const GRAPH_VERSION = 1;

export interface Graph {
  version: typeof GRAPH_VERSION;
  sources: string[]; // policy files it was compiled from
  gateway: GatewayNode;
  providers: ProviderNode[];
  models: ModelNode[];
  routes: RouteNode[];
  /**
   * Declared client keys (`key NAME { … }`) and teams; absent when the policy declares none (so a
   * policy without keys compiles to the same graph as before keys existed).
   */
  keys?: KeyNode[];
  teams?: TeamNode[];
}

/**
 * A declared client key. Only the env variable's NAME is here: the secret is read at serve time
 * and never enters the graph. `tags` are the team's tags with the key's own on top.
 */
export interface KeyNode {
  name: string;
  secretEnv: string;
  routes: string[] | null; // null: every route
  team: string | null;
  /** Requests, tokens (limit) and usd (budget) per window, checked before any upstream attempt. */
  limits: LimitNode[];
  /** Refuse up front when the worst-case cost exceeds what is left of a usd budget. */
  strict: boolean;
  tags: Record<string, string>;
}

export interface TeamNode {
  name: string;
  limits: LimitNode[];
  strict: boolean;
  tags: Record<string, string>;
}

export interface GatewayNode {
  /** Environment variables holding the client keys (Authorization: Bearer …). Empty: no auth. */
  clientKeyEnvs: string[];
  adminTokenEnv: string | null;
  /** The bearer token /metrics needs; null: /metrics needs a client key when `keys` are set, else nothing. */
  metricsTokenEnv: string | null;
  maxBodyBytes: number; // default 10 MB
  /** Whether clients may name a model as `model` (each then has an implicit route; see RouteNode.direct). */
  directModels: boolean;
  /** `shared_state { … }`: state shared with other instances through Redis; null: this instance alone. */
  sharedState?: SharedStateNode | null; // optional so hand-built graphs (tests, tools) need not say it
}

export interface SharedStateNode {
  /** The variable holding the Redis URL (it may carry a password, so only its name is in the graph). */
  redisUrlEnv: string;
  /** The variable naming this instance; null: host name and pid. */
  instanceIdEnv: string | null;
  prefix: string;
  /** Longest a request waits on Redis before going on with local state. */
  timeoutMs: number;
  /** How often windows are published and breakers re-read. */
  syncMs: number;
  /** Requests of a quota one instance takes from Redis per round trip. */
  lease: number;
}

export interface ProviderNode {
  name: string;
  kind: ProviderKind;
  baseUrl: string | null; // null for simulated
  keyEnv: string | null; // the env var name; the value is read at serve time, never stored
  headers: Record<string, string>;
  sim: SimProfile | null; // only for kind `simulated`
  limits: LimitNode[]; // provider-wide quotas
}

/** Behaviour of an in-process simulated provider (also what simulate scenarios override). */
export interface SimProfile {
  ttftMs: number; // time to first token
  perTokenMs: number; // time between tokens
  outputTokens: number; // tokens in a reply
  errorRate: number; // 0..1, chance an attempt fails with errorStatus
  errorStatus: number;
  /** Periodic outage to make the offline default policy show failover: down for `downMs` every `periodMs`. */
  outage: { periodMs: number; downMs: number; status: number } | null;
}

export interface ModelNode {
  name: string; // policy name, the stable identity for state
  upstream: string; // model name sent upstream
  provider: string;
  caps: number; // bitmask of CAP_BIT
  capNames: string[];
  contextWindow: number; // tokens
  maxOutput: number; // tokens
  priceIn: number; // USD per 1M input tokens
  priceOut: number; // USD per 1M output tokens
  limits: LimitNode[];
}

/** A quota, limit or budget: at most `amount` of `metric` per `window` (fixed windows, UTC-aligned for day/month). */
export interface LimitNode {
  metric: "requests" | "tokens" | "usd";
  amount: number;
  window: WindowUnit;
}

export interface RouteNode {
  name: string;
  rules: RuleNode[];
  /** Set on the implicit route of a model clients address by name (`gateway { direct_models true }`). */
  direct?: true;
}

export interface RuleNode {
  /** null for `otherwise` */
  cond: CondNode | null;
  /** Capabilities the condition guarantees the request needs (for display and checks). */
  needs: number;
  target: TargetNode;
  settings: Settings;
  line: number; // source line, for the graph printer and logs
}

export type CondNode =
  | { op: "caps"; mask: number } // request needs all these capabilities
  | { op: "and"; args: CondNode[] }
  | { op: "or"; args: CondNode[] }
  | { op: "not"; arg: CondNode }
  | { op: "tokens"; cmp: CompareOp; value: number }
  | { op: "header" | "metadata" | "param"; name: string; cmp: CompareOp; value: ScalarValue }
  | { op: "key"; name: string } // the request was authenticated as this declared key
  | { op: "tag"; name: string; value: string }; // the calling key (or its team) has this tag

/** `matches` values are regex source strings; `in` values are arrays. */
export type ScalarValue = string | number | boolean | null | (string | number)[];

export interface CandidateNode {
  model: string;
  provider: string;
  caps: number;
  contextWindow: number;
  weight: number; // 1 unless given
}

export type TargetNode =
  | { kind: "chain"; candidates: CandidateNode[] }
  | {
      kind: "select";
      strategy: "priority" | "round_robin" | "weighted" | "lowest_latency" | "lowest_cost" | "sticky";
      candidates: CandidateNode[];
      stickyKey: { source: "header" | "metadata"; name: string } | null;
    }
  | { kind: "split"; arms: { weight: number; target: TargetNode }[] }
  | { kind: "route"; route: string };

export interface Settings {
  timeout: {
    connectMs: number;
    firstTokenMs: number; // to the first content chunk, not the headers
    idleMs: number; // max gap between stream chunks
    totalMs: number;
  };
  retry: {
    attempts: number; // attempts per model (1 = no retry on the same model)
    maxPerRequest: number; // attempts across all candidates
    backoffBaseMs: number;
    backoffMaxMs: number;
    jitter: number; // 0..1, fraction of the delay randomised
    onStatuses: number[]; // explicit codes; classes like 5xx are expanded to 500..599
    onClasses: FailureClass[]; // e.g. timeout, reset, connect
    retryAfterCapMs: number; // Retry-After longer than this: fail over instead of waiting
  };
  breaker: {
    failures: number; // consecutive failures that open it
    errorRate: number | null; // 0..1; null disables the rate rule
    windowMs: number;
    minRequests: number;
    cooldownMs: number;
    probes: number; // half-open probes let through
    successes: number; // probe successes needed to close
  };
  /** toolCalls `hold`: a streamed tool call goes out once complete, so a break inside it can start over. */
  stream: { onBreak: StreamOnBreak; toolCalls: StreamToolCalls };
  /** Whether a content_policy_violation fails over (true) or is returned to the client (false). */
  failoverOnContentPolicy: boolean;
  /** Declared worst-case bounds that lint checks (src/compile/analysis); the engine ignores them. Absent: none declared. */
  bounds?: { latencyMs: number | null; costUsd: number | null; attempts: number | null };
  /** The response cache, present only where it is on (`cache { ttl … }` above zero). */
  cache?: CacheSettings;
}

/** Exact-match response cache of a rule (served by src/cache for serve and simulate, outside the engine). */
export interface CacheSettings {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
  /** Whether callers with different keys share entries (tenant isolation off). */
  shared: boolean;
}
