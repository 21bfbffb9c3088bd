// GET /v1/models: the routes a client can name as `model`, then the models behind them, in the
// OpenAI list shape with our extra fields (kind, capabilities, limits) so tools can discover both.
import type { Graph, RouteNode, TargetNode } from "../compile/graph.ts";
import { maskToCaps } from "../syntax/vocabulary.ts";

export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: "switchyard";
  [extra: string]: unknown;
}

export function listModels(graph: Graph, created: number): { object: "list"; data: ModelEntry[] } {
  const routes = new Map(graph.routes.map((r) => [r.name, r]));
  const data: ModelEntry[] = graph.routes.map((route) => {
    const models = reachableModels(route, routes);
    const caps = graph.models.filter((m) => models.includes(m.name)).reduce((mask, m) => mask | m.caps, 0);
    return { id: route.name, object: "model", created, owned_by: "switchyard", kind: "route", models, capabilities: maskToCaps(caps) };
  });
  for (const m of graph.models) {
    data.push({
      id: m.name,
      object: "model",
      created,
      owned_by: "switchyard",
      kind: "model",
      provider: m.provider,
      upstream: m.upstream,
      capabilities: m.capNames,
      context_window: m.contextWindow,
      max_output: m.maxOutput,
      pricing: { input_per_million_usd: m.priceIn, output_per_million_usd: m.priceOut },
    });
  }
  return { object: "list", data };
}

/** Model names a route can end up at, in first-seen order (route targets followed, cycles guarded). */
export function reachableModels(route: RouteNode, routes: Map<string, RouteNode>): string[] {
  const seen = new Set<string>();
  const visiting = new Set<string>();
  const walkRoute = (r: RouteNode): void => {
    if (visiting.has(r.name)) return;
    visiting.add(r.name);
    for (const rule of r.rules) walk(rule.target);
  };
  const walk = (t: TargetNode): void => {
    if (t.kind === "chain" || t.kind === "select") for (const c of t.candidates) seen.add(c.model);
    else if (t.kind === "split") for (const arm of t.arms) walk(arm.target);
    else {
      const next = routes.get(t.route);
      if (next) walkRoute(next);
    }
  };
  walkRoute(route);
  return [...seen];
}
