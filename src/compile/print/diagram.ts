// The graph as boxes and arrows, built once and drawn by both the dot and mermaid printers:
// route → rule (its condition) → target (chain, strategy or split) → models, with `route x`
// targets drawn as an arrow to that route's box.
import { maskToCaps } from "../../syntax/vocabulary.ts";
import type { Graph, RouteNode, TargetNode } from "../graph.ts";
import { armWeights, condText, targetLabel } from "./cond-text.ts";
import { size } from "./units.ts";

export type Shape = "route" | "rule" | "target" | "model";

export interface DiagramNode {
  id: string;
  shape: Shape;
  lines: string[]; // label, one entry per line
}

export interface DiagramEdge {
  from: string;
  to: string;
  label: string;
  dashed: boolean;
}

export interface Diagram {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

export function buildDiagram(graph: Graph): Diagram {
  const nodes = new Map<string, DiagramNode>();
  const edges: DiagramEdge[] = [];
  const models = new Map(graph.models.map((m) => [m.name, m]));
  const modelIndex = new Map(graph.models.map((m, i) => [m.name, i]));
  const routeIds = new Map<string, string>();
  const routeId = (name: string): string => {
    let id = routeIds.get(name);
    if (id === undefined) {
      id = `r${routeIds.size}`;
      routeIds.set(name, id);
      nodes.set(id, { id, shape: "route", lines: [`route ${name}`] });
    }
    return id;
  };
  const modelId = (name: string): string => {
    const id = `m${modelIndex.get(name) ?? name.replace(/\W/g, "_")}`;
    const m = models.get(name);
    if (!nodes.has(id) && m) {
      nodes.set(id, {
        id,
        shape: "model",
        lines: [m.name, `${m.provider}/${m.upstream}`, `[${maskToCaps(m.caps).join(" ")}] ${size(m.contextWindow)}`],
      });
    }
    return id;
  };

  const addTarget = (t: TargetNode, id: string): string => {
    if (t.kind === "route") return routeId(t.route);
    nodes.set(id, { id, shape: "target", lines: [targetLabel(t)] });
    if (t.kind === "split") {
      const weights = armWeights(t);
      t.arms.forEach((arm, i) =>
        edges.push({ from: id, to: addTarget(arm.target, `${id}_${i}`), label: weights[i], dashed: false }),
      );
    } else {
      const ordered = t.kind === "chain" || t.strategy === "priority";
      t.candidates.forEach((c, i) =>
        edges.push({
          from: id,
          to: modelId(c.model),
          label: ordered ? String(i + 1) : c.weight !== 1 ? `w${c.weight}` : "",
          dashed: false,
        }),
      );
    }
    return id;
  };

  const addRoute = (route: RouteNode): void => {
    const rid = routeId(route.name);
    route.rules.forEach((rule, i) => {
      const id = `${rid}_${i}`;
      nodes.set(id, { id, shape: "rule", lines: [condText(rule.cond)] });
      edges.push({ from: rid, to: id, label: String(i + 1), dashed: false });
      const target = addTarget(rule.target, `${id}_t`);
      edges.push({ from: id, to: target, label: "", dashed: rule.target.kind === "route" });
    });
  };
  graph.routes.filter((r) => !r.direct).forEach(addRoute); // implicit routes of direct models add nothing to see
  return { nodes: [...nodes.values()], edges };
}
