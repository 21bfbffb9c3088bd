// Runs the fault conformance pack: for each route, find the model that serves its plain chat
// requests (by sending one through the engine), then run every case as a small scenario with the
// fault on that model, through runScenario: the same engine, clock and simulated upstreams as
// `simulate`. Nothing here routes; the cases only judge what the engine did.
import type { Graph, ModelNode, RuleNode, TargetNode } from "../../compile/graph.ts";
import { CAP_BIT } from "../../syntax/vocabulary.ts";
import { runScenario } from "../run.ts";
import type { BehaviourSpec, Scenario } from "../scenario-types.ts";
import { traffic } from "./build.ts";
import { garbled, REPLY_TOKENS } from "./judge.ts";
import type { RequestRow } from "../recorder.ts";
import { STATUS_CASES } from "./cases-status.ts";
import { STREAM_CASES } from "./cases-stream.ts";
import { LOAD_CASES } from "./cases-load.ts";
import type { FaultCase, Grade, RouteUnderTest, Verdict } from "./types.ts";

/** The built-in library, in the order the scorecard lists it. */
export const FAULT_CASES: readonly FaultCase[] = [...STATUS_CASES, ...STREAM_CASES, ...LOAD_CASES];

export interface CaseResult extends Verdict {
  id: string;
  title: string;
}

export type RouteCard =
  | { route: string; primary: string; fallbacks: string[]; results: CaseResult[] }
  | { route: string; skipped: string };

export interface Scorecard {
  policy: string;
  routes: RouteCard[];
  /** False when any case on any route failed. */
  passed: boolean;
}

const HEALTHY: BehaviourSpec = {
  ttftMs: null,
  perTokenMs: null,
  errorRate: null,
  errorStatus: null,
  faults: [],
  quota: null,
};

/** Every chat model healthy (no sim-profile outages or error rates), `faulty` with `spec`'s faults. */
function behaviours(graph: Graph, faulty: string | null, spec: Partial<BehaviourSpec>): Record<string, BehaviourSpec> {
  const out: Record<string, BehaviourSpec> = {};
  for (const m of graph.models)
    if (m.caps & CAP_BIT.chat) out[m.name] = m.name === faulty ? { ...HEALTHY, ...spec } : HEALTHY;
  return out;
}

function scenarioFor(
  graph: Graph,
  r: RouteUnderTest | { route: string; primary: null },
  c: FaultCase | null,
): Scenario {
  const setup = c && r.primary ? c.setup(r as RouteUnderTest) : { durationMs: 1000, traffic: [{}], faults: [] };
  return {
    name: `${r.route}/${c?.id ?? "probe"}`,
    seed: 1,
    durationMs: setup.durationMs,
    traffic: setup.traffic.map((t) => traffic(r.route, t)),
    providers: {},
    models: behaviours(graph, r.primary?.name ?? null, { faults: setup.faults }),
    expect: "expect" in setup && setup.expect ? setup.expect : [],
  };
}

/** The rule a plain chat request matches by default: the route's `otherwise`, through `route` targets. */
function defaultRule(graph: Graph, route: string, seen = new Set<string>()): RuleNode | null {
  const node = graph.routes.find((r) => r.name === route);
  const rule = node?.rules.find((r) => r.cond === null) ?? null;
  if (rule?.target.kind === "route" && !seen.has(rule.target.route))
    return defaultRule(graph, rule.target.route, seen.add(route));
  return rule;
}

function candidatesOf(graph: Graph, target: TargetNode): string[] {
  switch (target.kind) {
    case "chain":
    case "select":
      return target.candidates.map((c) => c.model);
    case "split":
      return target.arms.flatMap((a) => candidatesOf(graph, a.target));
    case "route":
      return [];
  }
}

/** Which model serves the route when all is well (one request through the engine), and its alternatives. */
async function routeUnderTest(graph: Graph, route: string): Promise<RouteUnderTest | string> {
  const rule = defaultRule(graph, route);
  if (!rule) return "no default (`otherwise`) rule for plain requests";
  const probe = await runScenario({
    graph,
    scenario: scenarioFor(graph, { route, primary: null }, null),
    policyName: "",
  });
  const served = probe.rows[0]?.servedModel ?? null;
  const byName = new Map(graph.models.map((m) => [m.name, m]));
  const primary = served === null ? undefined : byName.get(served);
  if (!primary) return `a plain chat request is not served (${probe.rows[0]?.errorKind ?? "no answer"})`;
  const alternatives = [...new Set(candidatesOf(graph, rule.target))]
    .filter((name) => name !== primary.name)
    .map((name) => byName.get(name))
    .filter((m): m is ModelNode => m !== undefined && (m.caps & CAP_BIT.chat) !== 0);
  return { route, primary, alternatives, settings: rule.settings };
}

async function runCase(graph: Graph, r: RouteUnderTest, c: FaultCase): Promise<CaseResult> {
  const run = await runScenario({ graph, scenario: scenarioFor(graph, r, c), policyName: "", trails: true });
  // A case whose fault no request ran into proves nothing: say so rather than pass it.
  const exercised = run.rows.some((row) => row.trail?.attempts.some((a) => a.model === r.primary.name));
  if (!exercised)
    return { id: c.id, title: c.title, grade: "fail", reason: `no request reached \`${r.primary.name}\`` };
  const judged = c.judge(r, run);
  // a served answer with repeated or missing text is wrong whatever else went right
  const tokens = (row: RequestRow) =>
    row.servedModel === r.primary.name ? (c.replyTokens ?? REPLY_TOKENS) : REPLY_TOKENS;
  const text = judged.grade === "fail" ? null : garbled(run.rows, tokens);
  return { id: c.id, title: c.title, ...(text ?? judged) };
}

/** Runs every case against every route of the policy (or only `only`). */
export async function runConformance(graph: Graph, policy: string, only?: string): Promise<Scorecard> {
  const routes = graph.routes.filter((r) => !r.direct && (only === undefined || r.name === only));
  const cards: RouteCard[] = [];
  for (const node of routes) {
    const r = await routeUnderTest(graph, node.name);
    if (typeof r === "string") {
      cards.push({ route: node.name, skipped: r });
      continue;
    }
    const results: CaseResult[] = [];
    for (const c of FAULT_CASES) results.push(await runCase(graph, r, c));
    cards.push({ route: r.route, primary: r.primary.name, fallbacks: r.alternatives.map((m) => m.name), results });
  }
  const passed = cards.every((c) => !("results" in c) || c.results.every((x) => x.grade !== "fail"));
  return { policy, routes: cards, passed };
}

export const GRADES: readonly Grade[] = ["pass", "partial", "safe", "fail"];
