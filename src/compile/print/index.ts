// One entry point for the graph printers, plus narrowing the graph to one route (and only the
// providers and models it can reach) for `switchyard graph --route`.
import { worstCaseJson } from "../analysis/describe.ts";
import { analyzeGraph, type GraphWorstCase } from "../analysis/worst-case.ts";
import type { Graph, RouteNode, TargetNode } from "../graph.ts";
import { printDot } from "./dot.ts";
import { printMermaid } from "./mermaid.ts";
import { printText } from "./text.ts";

export const GRAPH_FORMATS = ["text", "dot", "mermaid", "json"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/**
 * `worst` is the worst-case analysis shown with text and JSON; pass the whole policy's when `graph`
 * is narrowed to one route (a `route` target needs the route it names).
 */
export function printGraph(graph: Graph, format: GraphFormat, worst: GraphWorstCase = analyzeGraph(graph)): string {
  switch (format) {
    case "text":
      return printText(graph, worst);
    case "dot":
      return printDot(graph);
    case "mermaid":
      return printMermaid(graph);
    case "json":
      return JSON.stringify({ ...graph, worstCase: worstCaseJson(worst) }, null, 2) + "\n";
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
