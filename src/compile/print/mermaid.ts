// Mermaid flowchart output, for pasting into Markdown (GitHub renders ```mermaid blocks).
import type { Graph } from "../graph.ts";
import { buildDiagram, type Shape } from "./diagram.ts";

const OPEN_CLOSE: Record<Shape, [string, string]> = {
  route: ["([", "])"],
  rule: ["[", "]"],
  target: ["{{", "}}"],
  model: ["(", ")"],
};

export function printMermaid(graph: Graph): string {
  const d = buildDiagram(graph);
  const out = ["flowchart LR"];
  for (const n of d.nodes) {
    const [open, close] = OPEN_CLOSE[n.shape];
    out.push(`  ${n.id}${open}"${n.lines.map(escape).join("<br/>")}"${close}`);
  }
  for (const e of d.edges) {
    const arrow = e.dashed ? "-.->" : "-->";
    out.push(`  ${e.from} ${arrow}${e.label ? `|"${escape(e.label)}"|` : ""} ${e.to}`);
  }
  return out.join("\n") + "\n";
}

/** Mermaid labels are HTML-ish: quotes and angle brackets go as entity codes. */
function escape(s: string): string {
  return s.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}
