// Drops state for models, providers, routes, keys and teams the current policy no longer has, so a renamed or
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
  const keys = new Set((graph.keys ?? []).map((k) => k.name));
  const teams = new Set((graph.teams ?? []).map((t) => t.name));
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
    return (
      parsed.scope === "model"
        ? models
        : parsed.scope === "provider"
          ? providers
          : parsed.scope === "key"
            ? keys
            : teams
    ).has(parsed.name);
  };
  const accessKnown = (key: string): boolean =>
    key.startsWith("team:")
      ? teams.has(key.slice("team:".length))
      : key.startsWith("key:") && keys.has(key.slice("key:".length));
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
    ...(state.access ? { access: keep(state.access, accessKnown) } : {}),
  };
  return { state: next, dropped };
}
