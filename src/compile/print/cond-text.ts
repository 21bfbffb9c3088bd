// Condition and target summaries in policy syntax, shared by the text, dot and mermaid printers.
import { maskToCaps } from "../../syntax/vocabulary.ts";
import type { CondNode, ScalarValue, TargetNode } from "../graph.ts";
import { size } from "./units.ts";

export function condText(c: CondNode | null): string {
  if (c === null) return "otherwise";
  return `when ${cond(c)}`;
}

function cond(c: CondNode): string {
  switch (c.op) {
    case "caps":
      return maskToCaps(c.mask).join(" and ") || "true";
    case "and":
      return c.args.map((a) => (a.op === "or" ? `(${cond(a)})` : cond(a))).join(" and ");
    case "or":
      return c.args.map(cond).join(" or ");
    case "not":
      return `not ${c.arg.op === "and" || c.arg.op === "or" || (c.arg.op === "caps" && maskToCaps(c.arg.mask).length > 1) ? `(${cond(c.arg)})` : cond(c.arg)}`;
    case "tokens":
      return `tokens ${c.cmp} ${size(c.value)}`;
    case "header":
    case "metadata":
      return `${c.op} ${JSON.stringify(c.name)} ${c.cmp} ${scalar(c.value)}`;
    case "param":
      return `param ${c.name} ${c.cmp} ${scalar(c.value)}`;
    case "key":
      return `key ${c.name}`;
    case "tag":
      return `tag ${c.name} ${JSON.stringify(c.value)}`;
  }
}

function scalar(v: ScalarValue): string {
  if (Array.isArray(v)) return `[${v.map((x) => scalar(x)).join(", ")}]`;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** One-line summary of a target: `chain`, `round_robin`, `sticky(header "x-session")`, `split`, `route cheap`. */
export function targetLabel(t: TargetNode): string {
  switch (t.kind) {
    case "chain":
      return "chain";
    case "select":
      return t.stickyKey ? `${t.strategy}(${t.stickyKey.source} ${JSON.stringify(t.stickyKey.name)})` : t.strategy;
    case "split":
      return "split";
    case "route":
      return `route ${t.route}`;
  }
}

/** Weights as the user wrote them: split arms summing to 100 read as percentages. */
export function armWeights(t: Extract<TargetNode, { kind: "split" }>): string[] {
  const total = t.arms.reduce((s, a) => s + a.weight, 0);
  return t.arms.map((a) => (Math.abs(total - 100) < 1e-9 ? `${a.weight}%` : String(a.weight)));
}
