// Drops state for models, providers and routes the current policy no longer has, so a renamed or
// removed model's breaker cannot haunt its successor and the snapshot does not grow forever.
import type { Graph } from "../compile/graph.ts";
import type { RuntimeState } from "../runtime/api.ts";
import { parseQuotaKey } from "./quota-window.ts";

export interface PruneResult {
  state: RuntimeState;
  dropped: number;
}

export function pruneToGraph(state: RuntimeState, graph: Graph): PruneResult {
  const models = new Set(graph.models.map((m) => m.name));
  const providers = new Set(graph.providers.map((p) => p.name));
  const routes = new Set(graph.routes.map((r) => r.name));
  let dropped = 0;
  const keep = <T>(record: Record<string, T>, test: (key: string, value: T) => boolean): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const [key, value] of Object.entries(record)) {
      if (test(key, value)) out[key] = value;
      else dropped++;
    }
    return out;
  };
  const breakerKnown = (key: string): boolean =>
    key.startsWith("provider:") ? providers.has(key.slice("provider:".length)) : models.has(key);
  const quotaKnown = (key: string): boolean => {
    const parsed = parseQuotaKey(key);
    if (!parsed) return true; // a shape this build does not know: leave it to the engine
    return parsed.scope === "model" ? models.has(parsed.name) : providers.has(parsed.name);
  };
  const cursorKnown = (key: string): boolean => {
    const hash = key.lastIndexOf("#");
    return routes.has(hash < 0 ? key : key.slice(0, hash));
  };
  const next: RuntimeState = {
    breakers: keep(state.breakers, breakerKnown),
    windows: keep(state.windows, (key) => models.has(key)),
    quotas: keep(state.quotas, quotaKnown),
    cursors: keep(state.cursors, cursorKnown),
    sticky: keep(state.sticky, (_key, model) => models.has(model)),
    counters: keep(state.counters, (key) => models.has(key)),
  };
  return { state: next, dropped };
}
