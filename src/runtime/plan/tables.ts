// Per-graph lookup tables built once at engine creation: models resolved to their provider,
// adapter and live state records; routes compiled into condition closures and resolved targets.
// The request path only follows references from here; it never re-reads the policy.
import type { Graph, ModelNode, ProviderNode, RouteNode, Settings, TargetNode } from "../../compile/graph.ts";
import type { Strategy } from "../../syntax/vocabulary.ts";
import type { BreakerPhase, BreakerState, ModelCounters, QuotaState, RuntimeState, WindowState } from "../api.ts";
import type { OnTransition } from "../state/breaker.ts";
import { compileCond, type CondFn } from "./conditions.ts";
import { quotaKey, type QuotaSlot } from "../state/quotas.ts";
import { buildKeys, type KeyEntry } from "../state/access.ts";
import { providerBreakerKey, upstreamBlockKey } from "../state/runtime-state.ts";
import { addressableNames, type Addressable } from "./unknown-model.ts";
import type { AdapterSet, ProviderAdapter } from "../upstream.ts";

export interface ModelEntry {
  name: string;
  node: ModelNode;
  provider: ProviderNode;
  adapter: ProviderAdapter | undefined;
  breaker: BreakerState;
  providerBreaker: BreakerState;
  window: WindowState;
  counters: ModelCounters;
  modelQuotas: QuotaSlot[];
  providerQuotas: QuotaSlot[];
  /** Set when the upstream itself reported a spent quota and the policy declares no limit to mark. */
  upstreamBlock: QuotaState;
  onBreaker: OnTransition;
  onProviderBreaker: OnTransition;
}

/** Told about every breaker transition, by state key (model name or `provider:<name>`). */
export type BreakerListener = (key: string, from: BreakerPhase, to: BreakerPhase) => void;

export interface CandidateEntry {
  model: ModelEntry;
  weight: number;
}

export type CompiledTarget =
  | {
      kind: "list";
      strategy: Strategy;
      candidates: CandidateEntry[];
      /** The candidates' models in listed order, built once: a chain's order on every request. */
      listed: readonly ModelEntry[];
      stickyKey: { source: "header" | "metadata"; name: string } | null;
      /** State key for round-robin cursors and sticky entries: `route#rule` (plus arm path). */
      key: string;
    }
  | { kind: "split"; arms: { weight: number; target: CompiledTarget }[]; totalWeight: number }
  | { kind: "route"; route: string };

export interface CompiledRule {
  cond: CondFn;
  target: CompiledTarget;
  settings: Settings;
  line: number;
}

export interface Tables {
  models: Map<string, ModelEntry>;
  routes: Map<string, CompiledRule[]>;
  /** What clients may name as `model`, for the unknown-model answer. */
  addressable: Addressable;
  /** Declared client keys by name (empty when the policy declares none). */
  keys: Map<string, KeyEntry>;
}

function buildModel(
  node: ModelNode,
  provider: ProviderNode,
  adapters: AdapterSet,
  state: RuntimeState,
  providerSlots: Map<string, QuotaSlot[]>,
  onBreaker: BreakerListener,
): ModelEntry {
  const providerKey = providerBreakerKey(provider.name);
  let pq = providerSlots.get(provider.name);
  if (!pq) {
    pq = provider.limits.map((limit) => {
      const key = quotaKey("provider", provider.name, limit);
      return { key, limit, state: state.quotas[key]! };
    });
    providerSlots.set(provider.name, pq);
  }
  return {
    name: node.name,
    node,
    provider,
    adapter: adapters[provider.kind],
    breaker: state.breakers[node.name]!,
    providerBreaker: state.breakers[providerKey]!,
    window: state.windows[node.name]!,
    counters: state.counters[node.name]!,
    modelQuotas: node.limits.map((limit) => {
      const key = quotaKey("model", node.name, limit);
      return { key, limit, state: state.quotas[key]! };
    }),
    providerQuotas: pq,
    upstreamBlock: state.quotas[upstreamBlockKey(node.name)]!,
    onBreaker: (from, to) => onBreaker(node.name, from, to),
    onProviderBreaker: (from, to) => onBreaker(providerKey, from, to),
  };
}

function compileTarget(t: TargetNode, models: Map<string, ModelEntry>, key: string): CompiledTarget {
  switch (t.kind) {
    case "chain":
    case "select": {
      const candidates: CandidateEntry[] = [];
      for (const c of t.candidates) {
        const model = models.get(c.model);
        if (model) candidates.push({ model, weight: c.weight > 0 ? c.weight : 0 });
      }
      const listed = candidates.map((c) => c.model);
      if (t.kind === "chain") return { kind: "list", strategy: "priority", candidates, listed, stickyKey: null, key };
      return { kind: "list", strategy: t.strategy, candidates, listed, stickyKey: t.stickyKey, key };
    }
    case "split": {
      const arms = t.arms.map((a, i) => ({
        weight: Math.max(0, a.weight),
        target: compileTarget(a.target, models, `${key}.${i}`),
      }));
      return { kind: "split", arms, totalWeight: arms.reduce((s, a) => s + a.weight, 0) };
    }
    case "route":
      return { kind: "route", route: t.route };
  }
}

function compileRoute(route: RouteNode, models: Map<string, ModelEntry>): CompiledRule[] {
  return route.rules.map((rule, i) => ({
    cond: compileCond(rule.cond),
    target: compileTarget(rule.target, models, `${route.name}#${i}`),
    settings: rule.settings,
    line: rule.line,
  }));
}

export function buildTables(
  graph: Graph,
  state: RuntimeState,
  adapters: AdapterSet,
  onBreaker: BreakerListener,
): Tables {
  const providers = new Map(graph.providers.map((p) => [p.name, p]));
  const providerSlots = new Map<string, QuotaSlot[]>();
  const models = new Map<string, ModelEntry>();
  for (const node of graph.models) {
    const provider = providers.get(node.provider);
    if (provider) models.set(node.name, buildModel(node, provider, adapters, state, providerSlots, onBreaker));
  }
  const routes = new Map<string, CompiledRule[]>();
  for (const r of graph.routes) routes.set(r.name, compileRoute(r, models));
  return { models, routes, addressable: addressableNames(graph), keys: buildKeys(graph, state) };
}
