// What every handler gets: the request, its id and arrival time, the graph+engine pair that was
// live when it arrived (so a reload mid-request never changes what serves it), and the hooks that
// close out a request (log line, metrics, in-flight count).
import type { Addressable } from "../runtime/engine.ts";
import type { Graph } from "../compile/graph.ts";
import type { BreakerPhase, Engine, OutcomeMeta } from "../runtime/api.ts";
import type { Ports, QuotaLeases, SecretSource, StickyPins } from "../runtime/ports.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import type { CacheStatus, ResponseCache } from "../cache/response-cache.ts";

/** A graph and the engine built from it; swapped as one value on reload. */
export interface Live {
  graph: Graph;
  engine: Engine;
  /** What clients may name as `model` (routes, and models with `direct_models`). */
  addressable: Addressable;
}

export interface RequestContext {
  req: Request;
  path: string;
  id: string;
  receivedAt: number;
  live: Live;
  /** Set once the request's log line is written, or a running stream will write it at its end. */
  logged: boolean;
  /** The declared key the request authenticated as (its name), set by the API handlers' admission; null: anonymous. */
  key?: string | null;
}

export interface Finish {
  endpoint: "chat" | "messages" | "responses" | "embeddings" | null;
  status: number;
  meta: OutcomeMeta | null;
  stream: boolean;
  ttftMs: number | null;
  /** When the engine was called, for the overhead figure; null if it never was. */
  engineStartedAt: number | null;
  error: string | null;
  /** What the response cache did for a request that reached the engine; absent: bypass. */
  cache?: CacheStatus;
}

export interface GatewayCore {
  ports: Ports;
  secrets: SecretSource;
  /** Records the request's log line and metrics. Call exactly once per request. */
  finish(ctx: RequestContext, f: Finish): void;
  /**
   * Marks a request's response as still running past the handler (a stream); returns its release.
   * `cut` ends it early when shutdown gives up waiting for it.
   */
  hold(cut?: () => void): () => void;
  /** The response cache (src/cache, wired in cache-wiring.ts); one per gateway, kept across policy reloads. */
  cache: ResponseCache;
  /** The created timestamp shown by /v1/models (epoch seconds of the graph load). */
  loadedAt(): number;
  draining(): boolean;
  /** False from the start of shutdown (before draining begins), so /readyz fails while work finishes. */
  ready(): boolean;
  /** The Prometheus exposition of the gateway's metrics. */
  metricsText(): string;
  reloadPolicy: (() => Promise<ReloadOutcome>) | null;
  /** Ask the engine to record each request's decision (x-switchyard-decision, the log's `decision`). */
  debugDecisions: boolean;
  /** Writes the runtime state snapshot now (POST /admin/snapshot); null without `--state`. */
  snapshot: (() => Promise<{ bytes: number; ms: number }>) | null;
  /** State shared with other instances; null: this instance alone. */
  shared: SharedHooks | null;
}

/** The result of recompiling the policy: applied (swapped in) or rejected with its diagnostics. */
export interface ReloadOutcome {
  applied: boolean;
  sources: string[];
  diagnostics: Diagnostic[];
  /** The diagnostics rendered for humans, without colour. */
  rendered: string;
}

/** What the gateway needs of the shared-state sync (src/state/shared/sync.ts); none of it makes a request wait. */
export interface SharedHooks {
  readonly up: boolean;
  /** Sticky sessions shared by the instances, handed to every engine this gateway builds. */
  readonly stickyPins?: StickyPins;
  /** `requests` quotas leased from the cluster, handed to every engine this gateway builds. */
  quotaLeases?(): QuotaLeases;
  breakerChanged(key: string, from: BreakerPhase, to: BreakerPhase, at: number): void;
  requestDone(meta: OutcomeMeta): void;
  view(): Promise<unknown>;
}
