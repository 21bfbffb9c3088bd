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
 * Without a graph (e.g. `switchyard state show`), the language's built-in breaker defaults
 * (`cooldown 30s`, `window 60s`). Copied rather than imported: the compiler's defaults module is
 * not a shared contract, and these only matter when no policy is at hand.
 */
export const DEFAULT_TIMING: DecayTiming = {
  cooldownMs: () => 30_000,
  windowMs: () => 60_000,
};

export function timingFromGraph(graph: Graph | undefined): DecayTiming {
  if (!graph) return DEFAULT_TIMING;
  const cooldown = new Map<string, number>();
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
  return {
    cooldownMs: (key) => cooldown.get(key) ?? DEFAULT_TIMING.cooldownMs(key),
    windowMs: (model) => window.get(model) ?? DEFAULT_TIMING.windowMs(model),
  };
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
