// Per-key and per-team usage for operators: GET /admin/keys (usage against every limit and budget
// in its current window) and the `/metrics` series labelled by key NAME. Both are read from the
// engine's state at request or scrape time, so the request path pays nothing for them, and the
// labels are declared names: bounded, and never a secret.
import type { Graph, LimitNode } from "../compile/graph.ts";
import type { AccessCounters, Engine, QuotaState } from "../runtime/api.ts";
import { windowBounds } from "../syntax/vocabulary.ts";
import { ComputedGauge, type Registry } from "./prometheus.ts";

interface LimitUsage {
  metric: LimitNode["metric"];
  window: LimitNode["window"];
  limit: number;
  used: number;
  remaining: number;
  /** When the current window ends (epoch ms on the gateway's clock). */
  resetsAt: number;
}

interface AccountView {
  name: string;
  team?: string | null;
  routes?: string[] | null;
  usage: AccessCounters;
  limits: LimitUsage[];
}

const ZERO: AccessCounters = { requests: 0, refused: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };

function limitUsage(
  scope: "key" | "team",
  name: string,
  l: LimitNode,
  quotas: Record<string, QuotaState>,
  now: number,
): LimitUsage {
  const q = quotas[`${scope}:${name}:${l.metric}:${l.window}`];
  const [start, end] = windowBounds(l.window, now);
  const used = q !== undefined && q.windowStart === start ? q.used : 0; // an older window is over: nothing used in this one
  return {
    metric: l.metric,
    window: l.window,
    limit: l.amount,
    used,
    remaining: Math.max(0, l.amount - used),
    resetsAt: end,
  };
}

/** The body of GET /admin/keys. */
export function keysView(graph: Graph, engine: Engine, now: number): { keys: AccountView[]; teams: AccountView[] } {
  const state = engine.state();
  const access = state.access ?? {};
  const view = (scope: "key" | "team", name: string, limits: LimitNode[]) => ({
    usage: { ...(access[`${scope}:${name}`] ?? ZERO) },
    limits: limits.map((l) => limitUsage(scope, name, l, state.quotas, now)),
  });
  return {
    keys: (graph.keys ?? []).map((k) => ({
      name: k.name,
      team: k.team,
      routes: k.routes,
      ...view("key", k.name, k.limits),
    })),
    teams: (graph.teams ?? []).map((t) => ({ name: t.name, ...view("team", t.name, t.limits) })),
  };
}

/** `switchyard_key_*` series, one per declared key, computed from the live state at scrape time. */
export function addKeyMetrics(registry: Registry, current: () => { graph: Graph; engine: Engine }): void {
  const series =
    (field: keyof AccessCounters, pick: (c: AccessCounters) => number = (c) => c[field]) =>
    () => {
      const { graph, engine } = current();
      const access = engine.state().access ?? {};
      return (graph.keys ?? []).map((k): [Record<string, string>, number] => [
        { key: k.name },
        pick(access[`key:${k.name}`] ?? ZERO),
      ]);
    };
  registry.add(
    new ComputedGauge(
      "switchyard_key_requests_total",
      "requests admitted per declared key",
      series("requests"),
      "counter",
    ),
  );
  registry.add(
    new ComputedGauge(
      "switchyard_key_refused_total",
      "requests refused per declared key (route not allowed, limit or budget spent)",
      series("refused"),
      "counter",
    ),
  );
  registry.add(
    new ComputedGauge(
      "switchyard_key_tokens_total",
      "prompt + reply tokens per declared key",
      series("tokensIn", (c) => c.tokensIn + c.tokensOut),
      "counter",
    ),
  );
  registry.add(
    new ComputedGauge(
      "switchyard_key_cost_usd_total",
      "spend in USD per declared key, from actual usage and `price`",
      series("costUsd"),
      "counter",
    ),
  );
}
