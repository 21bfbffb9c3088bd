// Routes that reach themselves through `route x` targets (also inside split arms) would loop a
// request forever; each cycle is reported once, with its path and every hop labelled.
import type { Policy, RouteTarget } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { declsOf, routeRefs } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

interface Edge {
  to: string;
  ref: RouteTarget;
}

export function checkRouteCycles(policy: Policy, ctx: CheckContext): void {
  // Only routes with a `route x` target can be on a cycle; most policies have few or none.
  const edges = new Map<string, Edge[]>();
  for (const [name, route] of ctx.symbols.routes) {
    for (const m of route.body.members) {
      if (m.kind !== "rule" || (m.target.kind !== "route_ref" && m.target.kind !== "split")) continue;
      for (const ref of routeRefs(m.target)) {
        if (!ctx.symbols.routes.has(ref.name.value)) continue;
        let out = edges.get(name);
        if (out === undefined) edges.set(name, (out = []));
        out.push({ to: ref.name.value, ref });
      }
    }
  }
  if (edges.size === 0) return;
  const reported = new Set<string>();
  const order = [...new Set(declsOf(policy, "route").map((r) => r.name!.value))];
  const rank = new Map(order.map((name, i) => [name, i]));
  const budget = { steps: 100_000 };
  for (const start of order) if (edges.has(start)) findCycles(start, edges, rank, budget, reported, ctx);
}

/**
 * Depth-first search from `start` for paths back to it through routes declared after it, so each
 * cycle is found once, from its first-declared route. `budget` bounds pathological policies.
 */
function findCycles(
  start: string,
  edges: Map<string, Edge[]>,
  rank: Map<string, number>,
  budget: { steps: number },
  reported: Set<string>,
  ctx: CheckContext,
): void {
  const path: Edge[] = [];
  const onPath = new Set<string>([start]);
  const visit = (node: string): void => {
    for (const edge of edges.get(node) ?? []) {
      if (edge.to === start) {
        report([...path, edge], start, reported, ctx);
        continue;
      }
      if (onPath.has(edge.to) || rank.get(edge.to)! < rank.get(start)! || --budget.steps < 0) continue;
      onPath.add(edge.to);
      path.push(edge);
      visit(edge.to);
      path.pop();
      onPath.delete(edge.to);
    }
  };
  visit(start);
}

function report(cycle: Edge[], start: string, reported: Set<string>, ctx: CheckContext): void {
  const key = cycle
    .map((e) => `${e.ref.span.start}`)
    .sort()
    .join(",");
  if (reported.has(key)) return;
  reported.add(key);
  const [first, ...rest] = cycle;
  const names = [start, ...cycle.map((e) => e.to)].map((n) => `\`${n}\``).join(" → ");
  const message =
    cycle.length === 1
      ? CHECK_MESSAGES.SY2020.selfLoop({ route: start })
      : CHECK_MESSAGES.SY2020.cycle({ routes: [start, ...cycle.map((e) => e.to)] });
  ctx.report(
    "SY2020",
    message,
    first.ref.span,
    cycle.length === 1 ? "points back at its own route" : `\`${start}\` goes to \`${first.to}\``,
    {
      secondary: rest.map((e) => ctx.label(e.ref.span, "the cycle continues here")),
      notes: cycle.length === 1 ? [] : [`a request would go ${names} forever`],
      help: "point one of these targets at models instead of a route",
    },
  );
}
