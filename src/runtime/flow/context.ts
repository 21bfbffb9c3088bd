// The two contexts the request path passes around: the engine core (ports, tables, live state),
// built once per engine here, and one request's working set (needs, settings, deadline, attempt
// trail, outcome meta).
import type { Settings } from "../../compile/graph.ts";
import type { EngineOptions, HeaderView, Observer, OutcomeMeta, RuntimeState, StreamCheckpoint } from "../api.ts";
import type { Failure } from "../attempt/classify.ts";
import type { ClientWatch } from "../attempt/client-watch.ts";
import type { RequestNeeds } from "../plan/needs.ts";
import type { Ports, QuotaLeases, StickyPins } from "../ports.ts";
import type { NativeRequest } from "../upstream.ts";
import { policyRedactor, type Redactor } from "../redactor.ts";
import { adoptState } from "../state/runtime-state.ts";
import { StickyMap } from "../state/sticky-map.ts";
import type { KeyEntry } from "../state/access.ts";
import { buildTables, type Tables } from "../plan/tables.ts";

export interface Core {
  ports: Ports;
  observer: Observer;
  tables: Tables;
  state: RuntimeState;
  sticky: StickyMap;
  /** The cluster's sticky pins (shared state); null: this instance's map alone. */
  stickyPins: StickyPins | null;
  /** `requests` quotas leased from the cluster (shared state); null: the local quota records alone. */
  quotaLeases: QuotaLeases | null;
  checkpoints: Map<string, StreamCheckpoint>;
  /** Scrubs this policy's secrets from failure messages; built once per policy load. */
  redactor: Redactor;
}

/** Sticky-session entries kept (least recently used go first). */
export const STICKY_CAPACITY = 10_000;

/** Per-graph tables and carried-over state, built once when an engine is created. */
export function buildCore(opts: EngineOptions, observer: Observer): Core {
  const { graph, ports, adapters } = opts;
  const state = adoptState(graph, opts.state);
  const sticky = new StickyMap(STICKY_CAPACITY, state.sticky);
  const tables = buildTables(graph, state, adapters, (key, from, to) =>
    observer.breaker?.(key, from, to, ports.clock.now()),
  );
  return {
    ports,
    observer,
    tables,
    state,
    sticky,
    stickyPins: opts.stickyPins ?? null,
    quotaLeases: opts.quotaLeases ?? null,
    checkpoints: new Map(),
    redactor: policyRedactor(graph, ports.secrets),
  };
}

export interface RequestCtx {
  core: Core;
  id: string;
  route: string;
  body: Record<string, unknown>;
  /** The request in the client's dialect (ChatRequest.native), for attempts that send the request's own body. */
  native: NativeRequest | null;
  headers: HeaderView;
  signal: AbortSignal;
  /** Forwards a client disconnect to the live attempt; closed when the request ends. */
  client: ClientWatch;
  needs: RequestNeeds;
  /** Whether the chat (vs embeddings) path is running: embeddings-only models cannot chat. */
  chat: boolean;
  settings: Settings;
  /** Absolute clock time at which the whole request budget (timeout.total) runs out. */
  deadline: number;
  meta: OutcomeMeta;
  attemptsUsed: number;
  /** Per-attempt summary such as `a:503`, `b:timeout`, for the final error message. */
  trail: string[];
  lastFailure: Failure | null;
  /** After a context_length failure, only larger context windows are tried. */
  minContext: number;
  /** Headers forwarded upstream (the request id), built with the first attempt and shared by all. */
  upstreamHeaders: Record<string, string> | null;
  /** Sticky-session state key to remember the serving model under, if the strategy is sticky. */
  stickyKey: string | null;
  /** The calling declared key, whose accounts are booked with this request's usage; null: anonymous. */
  access: KeyEntry | null;
}

export function newMeta(id: string, route: string, startedAt: number): OutcomeMeta {
  return {
    id,
    route,
    servedModel: null,
    attempts: [],
    skipped: [],
    failovers: 0,
    continuations: 0,
    usage: null,
    costUsd: 0,
    startedAt,
    endedAt: null,
    status: 200,
    errorClass: null,
  };
}
