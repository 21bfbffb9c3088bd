// Chains of `route x` targets longer than the engine follows (MAX_ROUTE_HOPS) would lint clean and
// then fail every request that takes them with "no rule matches". Each too-long chain is reported
// once, at the route it starts from (one no other route points at), with its path.
import type { Policy, RouteTarget } from "../../syntax/ast.ts";
import { MAX_ROUTE_HOPS } from "../../syntax/vocabulary.ts";
import type { CheckContext } from "../context.ts";
import { routeRefs } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

interface Edge {
  to: string;
  ref: RouteTarget;
}

/** The longest chain of hops from a route: its length and the first hop on it (null: none). */
interface Longest {
  hops: number;
  next: Edge | null;
}

export function checkRouteDepth(_policy: Policy, ctx: CheckContext): void {
  const edges = new Map<string, Edge[]>();
  const pointedAt = new Set<string>();
  for (const [name, route] of ctx.symbols.routes) {
    for (const m of route.body.members) {
      if (m.kind !== "rule") continue;
      for (const ref of routeRefs(m.target)) {
        if (!ctx.symbols.routes.has(ref.name.value) || ref.name.value === name) continue;
        let out = edges.get(name);
        if (out === undefined) edges.set(name, (out = []));
        out.push({ to: ref.name.value, ref });
        pointedAt.add(ref.name.value);
      }
    }
  }
  if (edges.size <= MAX_ROUTE_HOPS) return; // a longer chain needs more routes with hops than that
  const longest = longestChains(edges);
  for (const [name, chain] of longest) {
    if (chain.hops > MAX_ROUTE_HOPS && !pointedAt.has(name)) report(name, longest, ctx);
  }
}

/**
 * The longest hop chain from every route, memoised so the whole graph costs O(routes + hops).
 * Iterative (a policy may chain thousands of routes); an edge back onto the current path is a
 * cycle, which SY2020 reports, and counts as no further hop here.
 */
function longestChains(edges: Map<string, Edge[]>): Map<string, Longest> {
  const done = new Map<string, Longest>();
  const onPath = new Set<string>();
  for (const start of edges.keys()) {
    if (done.has(start)) continue;
    const stack: { node: string; i: number; best: Longest }[] = [{ node: start, i: 0, best: { hops: 0, next: null } }];
    onPath.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = edges.get(top.node) ?? [];
      if (top.i < out.length) {
        const edge = out[top.i++]!;
        const known = done.get(edge.to);
        if (known !== undefined) consider(top.best, edge, known.hops);
        else if (!onPath.has(edge.to)) {
          onPath.add(edge.to);
          stack.push({ node: edge.to, i: 0, best: { hops: 0, next: null } });
          top.i--; // come back to this edge once the target is done
        }
        continue;
      }
      stack.pop();
      onPath.delete(top.node);
      done.set(top.node, top.best);
    }
  }
  return done;
}

function consider(best: Longest, edge: Edge, hopsAfter: number): void {
  if (hopsAfter + 1 > best.hops) {
    best.hops = hopsAfter + 1;
    best.next = edge;
  }
}

function report(start: string, longest: Map<string, Longest>, ctx: CheckContext): void {
  const path: Edge[] = [];
  for (let at = longest.get(start); at?.next; at = longest.get(at.next.to)) path.push(at.next);
  const names = [start, ...path.map((e) => e.to)];
  const shown = names.length > 8 ? [...names.slice(0, 4), "…", ...names.slice(-3)] : names;
  const beyond = path[MAX_ROUTE_HOPS]!;
  ctx.error(
    "SY2035",
    CHECK_MESSAGES.SY2035.tooManyHops({ route: start, hops: path.length, limit: MAX_ROUTE_HOPS }),
    path[0]!.ref.span,
    "the chain starts here",
    {
      secondary: [ctx.label(beyond.ref.span, `hop ${MAX_ROUTE_HOPS + 1}: requests stop here`)],
      notes: [`the chain: ${shown.map((n) => (n === "…" ? n : `\`${n}\``)).join(" → ")}`],
      help: "point a route earlier in the chain at models, or merge routes",
    },
  );
}
