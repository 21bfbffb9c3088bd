// How long breaker cool-downs and error-rate windows last per model, taken from the compiled
// graph. Settings live on rules, state lives on models: a model named by several rules gets the
// longest cool-down and window among them, so decay never frees a breaker or forgets failures
// earlier than any rule using it would.
import type { Graph, TargetNode } from "../compile/graph.ts";

export interface DecayTiming {
  /** Cool-down for a breaker key: a model name or `provider:<name>`. */
  cooldownMs(breakerKey: string): number;
  /** Error-rate window length for a model's window ring. */
  windowMs(model: string): number;
}

/**
 * Without a graph or a recorded table (a snapshot from an older build), the language's built-in
 * breaker defaults (`cooldown 30s`, `window 60s`). Copied rather than imported: the compiler's defaults module is
 * not a shared contract, and these only matter when no policy is at hand.
 */
export const DEFAULT_TIMING: DecayTiming = {
  cooldownMs: () => 30_000,
  windowMs: () => 60_000,
};

/**
 * The effective cool-downs and windows of a policy as plain data: what a gateway records in each
 * snapshot, so `state show` can tell when a breaker reopens without being handed the policy.
 */
export interface TimingTable {
  /** Breaker key (model name or `provider:<name>`) → cool-down in ms. */
  cooldownMs: Record<string, number>;
  /** Model name → error-rate window in ms. */
  windowMs: Record<string, number>;
}

export function timingTable(graph: Graph): TimingTable {
  const cooldown = new Map<string, number>(); // Maps, not records: a model may be named `constructor`
  const window = new Map<string, number>();
  const raise = (map: Map<string, number>, key: string, value: number): void => {
    map.set(key, Math.max(map.get(key) ?? 0, value));
  };
  const providerOf = new Map(graph.models.map((m) => [m.name, m.provider]));
  for (const route of graph.routes) {
    for (const rule of route.rules) {
      for (const model of modelsIn(rule.target)) {
        raise(cooldown, model, rule.settings.breaker.cooldownMs);
        raise(window, model, rule.settings.breaker.windowMs);
        const provider = providerOf.get(model);
        if (provider !== undefined) raise(cooldown, `provider:${provider}`, rule.settings.breaker.cooldownMs);
      }
    }
  }
  return { cooldownMs: Object.fromEntries(cooldown), windowMs: Object.fromEntries(window) };
}

/** Lookups over a table; keys it does not name get the built-in defaults. */
export function timingFromTable(table: TimingTable): DecayTiming {
  const cooldown = new Map(Object.entries(table.cooldownMs));
  const window = new Map(Object.entries(table.windowMs));
  return {
    cooldownMs: (key) => cooldown.get(key) ?? DEFAULT_TIMING.cooldownMs(key),
    windowMs: (model) => window.get(model) ?? DEFAULT_TIMING.windowMs(model),
  };
}

export function timingFromGraph(graph: Graph | undefined): DecayTiming {
  return graph ? timingFromTable(timingTable(graph)) : DEFAULT_TIMING;
}

function modelsIn(target: TargetNode): string[] {
  switch (target.kind) {
    case "chain":
    case "select":
      return target.candidates.map((c) => c.model);
    case "split":
      return target.arms.flatMap((arm) => modelsIn(arm.target));
    case "route":
      return []; // the named route's own rules carry their settings
  }
}
