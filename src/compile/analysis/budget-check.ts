// SY3011: a key's or team's spend budget smaller than the worst-case cost of one request on a route
// it may call. Such a budget can be spent by a single request (or, with `strict true`, refuses every
// request whose worst case does not fit), which is rarely what the policy meant.
import { findProperty } from "../../check/resolve-settings.ts";
import type { Policy } from "../../syntax/ast.ts";
import { CHECK_CODES } from "../../check/codes.ts";
import { CHECK_MESSAGES } from "../../check/messages.ts";
import { diagnosticOf, type Diagnostic } from "../../syntax/diagnostic.ts";
import { formatUsd } from "../../util/money.ts";
import type { Graph, KeyNode, LimitNode } from "../graph.ts";
import type { RouteWorstCase } from "./worst-case.ts";

interface Holder {
  kind: "key" | "team";
  name: string;
  budget: LimitNode;
  /** The routes it may call; null: every route. */
  routes: string[] | null;
}

/** Keys and teams with a spend budget, each with the routes its callers may use. */
function budgetHolders(graph: Graph): Holder[] {
  const keys = graph.keys ?? [];
  const holders: Holder[] = [];
  for (const k of keys) {
    const budget = k.limits.find((l) => l.metric === "usd");
    if (budget) holders.push({ kind: "key", name: k.name, budget, routes: k.routes });
  }
  for (const t of graph.teams ?? []) {
    const budget = t.limits.find((l) => l.metric === "usd");
    const members = keys.filter((k: KeyNode) => k.team === t.name);
    const routes = members.some((k) => k.routes === null) ? null : [...new Set(members.flatMap((k) => k.routes ?? []))];
    if (budget) holders.push({ kind: "team", name: t.name, budget, routes });
  }
  return holders;
}

export function checkBudgets(policy: Policy, graph: Graph, worst: Map<string, RouteWorstCase>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const h of budgetHolders(graph)) {
    const names = h.routes ?? [...worst.keys()];
    let priciest: RouteWorstCase | null = null;
    for (const n of names) {
      const w = worst.get(n);
      if (w && (priciest === null || w.costUsd > priciest.costUsd)) priciest = w;
    }
    if (priciest === null || priciest.costUsd <= h.budget.amount) continue;
    const decl = policy.items.find((d) => d.kind === h.kind && d.name?.value === h.name);
    const at = decl ? (findProperty(decl.body, "budget") ?? decl.name!) : null;
    if (!decl || !at) continue;
    const budget = `${formatUsd(h.budget.amount)}/${h.budget.window}`;
    const message = CHECK_MESSAGES.SY3011.budgetUnderCost({
      kind: h.kind,
      name: h.name,
      budget,
      route: priciest.route,
      cost: formatUsd(priciest.costUsd),
    });
    out.push(
      diagnosticOf(
        CHECK_CODES,
        "SY3011",
        message,
        { file: policy.file, span: at.span, message: `budget ${budget}` },
        {
          notes: [
            "the worst case assumes a full context and `max_output` on the priciest reachable model (see `switchyard graph`)",
          ],
          help: "raise the budget, lower `max_output` or the prices the route can reach, or leave that route out of the key's `routes`",
        },
      ),
    );
  }
  return out;
}
