// One entry point for the graph printers, plus narrowing the graph to one route (and only the
// providers and models it can reach) for `switchyard graph --route`.
import type { Graph, RouteNode, TargetNode } from "../graph.ts";
import { printDot } from "./dot.ts";
import { printMermaid } from "./mermaid.ts";
import { printText } from "./text.ts";

export const GRAPH_FORMATS = ["text", "dot", "mermaid", "json"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function printGraph(graph: Graph, format: GraphFormat): string {
  switch (format) {
    case "text":
      return printText(graph);
    case "dot":
      return printDot(graph);
    case "mermaid":
      return printMermaid(graph);
    case "json":
      return JSON.stringify(graph, null, 2) + "\n";
  }
}

/** The graph restricted to `route` and what it uses; null when there is no such route. */
export function onlyRoute(graph: Graph, route: string): Graph | null {
  const chosen = graph.routes.find((r) => r.name === route);
  if (!chosen) return null;
  const models = new Set<string>();
  const collect = (t: TargetNode): void => {
    if (t.kind === "split") t.arms.forEach((a) => collect(a.target));
    else if (t.kind !== "route") t.candidates.forEach((c) => models.add(c.model));
  };
  chosen.rules.forEach((r) => collect(r.target));
  const usedModels = graph.models.filter((m) => models.has(m.name));
  const providers = new Set(usedModels.map((m) => m.provider));
  const routes: RouteNode[] = [chosen];
  return { ...graph, providers: graph.providers.filter((p) => providers.has(p.name)), models: usedModels, routes };
}
