// Builds the RuntimeState for a graph, carrying over what a previous engine (hot reload) or a
// snapshot knew about models that still exist. Everything is copied, never shared, and probe
// slots are reset: probes in flight belong to the old engine and would otherwise never return.
import type { Graph } from "../../compile/graph.ts";
import type { AccessCounters, BreakerState, ModelCounters, QuotaState, RuntimeState, WindowState } from "../api.ts";
import { accessStateKey, freshAccessCounters } from "./access.ts";
import { freshBreaker } from "./breaker.ts";
import { quotaKey } from "./quotas.ts";
import { freshWindow } from "./windows.ts";

export const providerBreakerKey = (provider: string): string => `provider:${provider}`;
export const upstreamBlockKey = (model: string): string => `model:${model}:upstream_quota`;

const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
const numOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function freshCounters(): ModelCounters {
  return { requests: 0, successes: 0, failures: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
}

function copyBreaker(b: BreakerState | undefined): BreakerState {
  if (!b) return freshBreaker();
  const phase = b.phase === "open" || b.phase === "half_open" ? b.phase : "closed";
  return {
    phase,
    consecutiveFailures: num(b.consecutiveFailures, 0),
    openedAt: phase === "closed" ? null : numOrNull(b.openedAt),
    probesInFlight: 0,
    probeSuccesses: phase === "half_open" ? num(b.probeSuccesses, 0) : 0,
  };
}

function copyWindow(w: WindowState | undefined): WindowState {
  if (!w) return freshWindow();
  return {
    bucketMs: num(w.bucketMs, 0),
    buckets: Array.isArray(w.buckets)
      ? w.buckets.map((b) => ({ start: num(b.start, 0), ok: num(b.ok, 0), fail: num(b.fail, 0) }))
      : [],
    latencyEwmaMs: numOrNull(w.latencyEwmaMs),
    ttftEwmaMs: numOrNull(w.ttftEwmaMs),
    tokensPerSecEwma: numOrNull(w.tokensPerSecEwma),
  };
}

function copyCounters(c: ModelCounters | undefined): ModelCounters {
  const fresh = freshCounters();
  if (!c) return fresh;
  for (const k of Object.keys(fresh) as (keyof ModelCounters)[]) fresh[k] = num(c[k], 0);
  return fresh;
}

const copyQuota = (q: QuotaState | undefined): QuotaState => ({
  windowStart: num(q?.windowStart, Number.NEGATIVE_INFINITY),
  used: num(q?.used, 0),
});

function copyAccess(c: AccessCounters | undefined): AccessCounters {
  const fresh = freshAccessCounters();
  if (c) for (const k of Object.keys(fresh) as (keyof AccessCounters)[]) fresh[k] = num(c[k], 0);
  return fresh;
}

/** Counters and limit windows of the keys and teams the graph still declares. */
function adoptAccess(graph: Graph, prev: RuntimeState | undefined, state: RuntimeState): void {
  const access: Record<string, AccessCounters> = (state.access = {});
  const owners = [
    ...(graph.teams ?? []).map((t) => ["team", t] as const),
    ...(graph.keys ?? []).map((k) => ["key", k] as const),
  ];
  for (const [scope, node] of owners) {
    const key = accessStateKey(scope, node.name);
    access[key] = copyAccess(prev?.access?.[key]);
    for (const limit of node.limits) {
      const qk = quotaKey(scope, node.name, limit);
      state.quotas[qk] = copyQuota(prev?.quotas[qk]);
    }
  }
}

export function adoptState(graph: Graph, prev: RuntimeState | undefined): RuntimeState {
  const state: RuntimeState = { breakers: {}, windows: {}, quotas: {}, cursors: {}, sticky: {}, counters: {} };
  const models = new Set<string>();
  for (const m of graph.models) {
    models.add(m.name);
    state.breakers[m.name] = copyBreaker(prev?.breakers[m.name]);
    state.windows[m.name] = copyWindow(prev?.windows[m.name]);
    state.counters[m.name] = copyCounters(prev?.counters[m.name]);
    for (const limit of m.limits) {
      const key = quotaKey("model", m.name, limit);
      state.quotas[key] = copyQuota(prev?.quotas[key]);
    }
    const block = upstreamBlockKey(m.name);
    state.quotas[block] = copyQuota(prev?.quotas[block]);
  }
  for (const p of graph.providers) {
    const key = providerBreakerKey(p.name);
    state.breakers[key] = copyBreaker(prev?.breakers[key]);
    for (const limit of p.limits) {
      const qk = quotaKey("provider", p.name, limit);
      state.quotas[qk] = copyQuota(prev?.quotas[qk]);
    }
  }
  adoptAccess(graph, prev, state);
  const routes = new Set(graph.routes.map((r) => r.name));
  for (const [key, cursor] of Object.entries(prev?.cursors ?? {})) {
    if (routes.has(key.slice(0, key.lastIndexOf("#"))) && Number.isFinite(cursor)) state.cursors[key] = cursor;
  }
  for (const [key, model] of Object.entries(prev?.sticky ?? {})) {
    if (typeof model === "string" && models.has(model)) state.sticky[key] = model;
  }
  return state;
}
