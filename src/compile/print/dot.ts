// Graphviz output (`switchyard graph --format dot | dot -Tsvg`).
import type { Graph } from "../graph.ts";
import { buildDiagram, type Shape } from "./diagram.ts";

const SHAPES: Record<Shape, string> = {
  route: 'shape=box, style="rounded,bold"',
  rule: "shape=box",
  target: "shape=hexagon",
  model: 'shape=box, style="rounded,filled", fillcolor="#eef3ff"',
};

export function printDot(graph: Graph): string {
  const d = buildDiagram(graph);
  const out = [
    "digraph switchyard {",
    "  rankdir=LR;",
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of d.nodes) out.push(`  ${n.id} [${SHAPES[n.shape]}, label=${quote(n.lines.join("\n"))}];`);
  for (const e of d.edges) {
    const attrs = [e.label ? `label=${quote(e.label)}` : "", e.dashed ? "style=dashed" : ""].filter(Boolean);
    out.push(`  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
