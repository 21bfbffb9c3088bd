// GET /v1/models and /v1/models/{id}: exactly what a client can name as `model`: the routes, then,
// when the policy allows direct addressing (`gateway { direct_models true }`), the models, in the
// OpenAI list shape with our extra fields (kind, capabilities, limits) so tools can discover both.
// Linear in the policy's size: model lookups go through a map and each route's reachable models
// are computed once and reused by every route that points at it (a filter over all models per
// route made 10,000 routes take seconds).
import type { Graph, ModelNode, RouteNode, TargetNode } from "../compile/graph.ts";
import { maskToCaps } from "../syntax/vocabulary.ts";

export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: "switchyard";
  [extra: string]: unknown;
}

export function listModels(graph: Graph, created: number): { object: "list"; data: ModelEntry[] } {
  const catalogue = new ModelCatalogue(graph, created);
  const data: ModelEntry[] = [];
  for (const route of graph.routes) if (!route.direct) data.push(catalogue.routeEntry(route));
  for (const route of graph.routes) if (route.direct) data.push(catalogue.modelEntry(route.name));
  return { object: "list", data };
}

/** The entry for one name a client can send as `model`, or null when it cannot send it. */
export function findModel(graph: Graph, created: number, id: string): ModelEntry | null {
  const route = graph.routes.find((r) => r.name === id);
  if (!route) return null;
  const catalogue = new ModelCatalogue(graph, created);
  return route.direct ? catalogue.modelEntry(id) : catalogue.routeEntry(route);
}

/** Builds list entries for one graph, sharing the per-route reachability between them. */
export class ModelCatalogue {
  readonly #routes: Map<string, RouteNode>;
  readonly #models: Map<string, ModelNode>;
  readonly #reachable = new Map<string, readonly string[]>();

  constructor(
    graph: Graph,
    private readonly created: number,
  ) {
    this.#routes = new Map(graph.routes.map((r) => [r.name, r]));
    this.#models = new Map(graph.models.map((m) => [m.name, m]));
  }

  routeEntry(route: RouteNode): ModelEntry {
    const models = this.reachableModels(route);
    let caps = 0;
    for (const name of models) caps |= this.#models.get(name)?.caps ?? 0;
    return {
      id: route.name,
      object: "model",
      created: this.created,
      owned_by: "switchyard",
      kind: "route",
      models: [...models],
      capabilities: maskToCaps(caps),
    };
  }

  modelEntry(name: string): ModelEntry {
    const m = this.#models.get(name)!; // a direct route exists only for a declared model
    return {
      id: m.name,
      object: "model",
      created: this.created,
      owned_by: "switchyard",
      kind: "model",
      provider: m.provider,
      upstream: m.upstream,
      capabilities: m.capNames,
      context_window: m.contextWindow,
      max_output: m.maxOutput,
      pricing: { input_per_million_usd: m.priceIn, output_per_million_usd: m.priceOut },
    };
  }

  /**
   * Model names a route can end up at, in first-seen order, memoised per route. Route targets are
   * followed (cycles guarded: a route being computed contributes nothing to itself).
   */
  reachableModels(route: RouteNode): readonly string[] {
    const known = this.#reachable.get(route.name);
    if (known !== undefined) return known;
    this.#reachable.set(route.name, []); // cycle guard while this route is being computed
    const seen = new Set<string>();
    const walk = (t: TargetNode): void => {
      if (t.kind === "chain" || t.kind === "select") for (const c of t.candidates) seen.add(c.model);
      else if (t.kind === "split") for (const arm of t.arms) walk(arm.target);
      else {
        const next = this.#routes.get(t.route);
        if (next) for (const name of this.reachableModels(next)) seen.add(name);
      }
    };
    for (const rule of route.rules) walk(rule.target);
    const list = [...seen];
    this.#reachable.set(route.name, list);
    return list;
  }
}
