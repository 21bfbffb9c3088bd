// Rule targets → TargetNode. Each model reference becomes a candidate carrying what the engine
// filters on per request (capability mask, context window), so it never looks models up by name
// on the hot path.
import type { NumberLit, PercentLit, Target, TargetItem } from "../syntax/ast.ts";
import type { CandidateNode, ModelNode, TargetNode } from "./graph.ts";

type SelectStrategy = Extract<TargetNode, { kind: "select" }>["strategy"];
const SELECT_STRATEGIES = new Set<string>([
  "priority",
  "round_robin",
  "weighted",
  "lowest_latency",
  "lowest_cost",
  "sticky",
]);

export function compileTarget(target: Target, models: ReadonlyMap<string, ModelNode>): TargetNode {
  switch (target.kind) {
    case "model":
      return { kind: "chain", candidates: candidates([{ ref: target.ref, weight: null, span: target.span }], models) };
    case "chain":
      return { kind: "chain", candidates: candidates(target.items, models) };
    case "route_ref":
      return { kind: "route", route: target.name.value };
    case "strategy": {
      const name = target.strategy.name;
      const strategy = (SELECT_STRATEGIES.has(name) ? name : "priority") as SelectStrategy;
      const key = target.key;
      const stickyKey =
        strategy === "sticky" && key && (key.kind === "header" || key.kind === "metadata")
          ? { source: key.kind, name: key.kind === "header" ? key.name.value.toLowerCase() : key.name.value }
          : null;
      return { kind: "select", strategy, candidates: candidates(target.items, models), stickyKey };
    }
    case "split":
      return {
        kind: "split",
        arms: splitWeights(target.arms.map((a) => a.weight)).map((weight, i) => ({
          weight,
          target: compileTarget(target.arms[i].target, models),
        })),
      };
  }
}

function candidates(items: TargetItem[], models: ReadonlyMap<string, ModelNode>): CandidateNode[] {
  const out: CandidateNode[] = [];
  for (const item of items) {
    const m = models.get(item.ref.name);
    if (!m) continue; // unknown names are a checker error; never reached for a checked policy
    out.push({
      model: m.name,
      provider: m.provider,
      caps: m.caps,
      contextWindow: m.contextWindow,
      weight: item.weight?.value ?? 1,
    });
  }
  return out;
}

/**
 * Split arms without a weight share what the weighted arms leave of 100% when the others are
 * percentages (`[a 70%, b]` → 70/30); otherwise each counts 1.
 */
export function splitWeights(weights: (NumberLit | PercentLit | null)[]): number[] {
  const given = weights.filter((w): w is NumberLit | PercentLit => w !== null);
  const missing = weights.length - given.length;
  const percents = given.length > 0 && given.every((w) => w.kind === "percent");
  const share = percents && missing > 0 ? Math.max(0, 100 - given.reduce((s, w) => s + w.value, 0)) / missing : 1;
  return weights.map((w) => (w === null ? share : w.value));
}
