// The readable graph dump of `switchyard graph`: what each route will actually do, rule by rule,
// with every candidate's capabilities and the settings after inheritance, so "why did my request
// go there" is answered without reading the engine.
import { maskToCaps } from "../../syntax/vocabulary.ts";
import { routeWorstLine, ruleWorstLines } from "../analysis/describe.ts";
import type { GraphWorstCase, RouteWorstCase } from "../analysis/worst-case.ts";
import type {
  CandidateNode,
  Graph,
  KeyNode,
  LimitNode,
  ModelNode,
  ProviderNode,
  RouteNode,
  Settings,
  TargetNode,
  TeamNode,
} from "../graph.ts";
import { armWeights, condText, targetLabel } from "./cond-text.ts";
import { duration, limit, money, percent, size, statuses } from "./units.ts";

export function printText(graph: Graph, worst?: GraphWorstCase): string {
  const out: string[] = [`# switchyard graph v${graph.version} from ${graph.sources.join(", ") || "(no file)"}`, ""];
  out.push(gatewayLine(graph));
  if (graph.providers.length) out.push("", "providers", ...table(graph.providers.map(providerRow)));
  if (graph.models.length) out.push("", "models", ...table(graph.models.map(modelRow)));
  if (graph.teams?.length) out.push("", "teams", ...table(graph.teams.map(teamRow)));
  if (graph.keys?.length) out.push("", "keys", ...table(graph.keys.map(keyRow)));
  // a direct model's implicit route says nothing the gateway line and the model table do not
  for (const route of graph.routes)
    if (!route.direct)
      out.push(
        "",
        ...routeLines(
          route,
          worst?.routes.find((w) => w.route === route.name),
        ),
      );
  return out.join("\n") + "\n";
}

function gatewayLine(g: Graph): string {
  const auth = g.gateway.clientKeyEnvs.length
    ? `keys from ${g.gateway.clientKeyEnvs.map((e) => `$${e}`).join(", ")}`
    : "none";
  const admin = g.gateway.adminTokenEnv ? `$${g.gateway.adminTokenEnv}` : "none";
  const metrics = g.gateway.metricsTokenEnv ? `  metrics $${g.gateway.metricsTokenEnv}` : "";
  const direct = g.gateway.directModels ? "  direct_models (clients may name models)" : "";
  return `gateway  auth ${auth}  admin ${admin}${metrics}  max_body ${size(g.gateway.maxBodyBytes)}${direct}`;
}

function providerRow(p: ProviderNode): string[] {
  const detail: string[] = [];
  if (p.baseUrl) detail.push(p.baseUrl);
  if (p.keyEnv) detail.push(`key $${p.keyEnv}`);
  const headers = Object.keys(p.headers);
  if (headers.length) detail.push(`headers ${headers.join(", ")}`); // names only: values may be sensitive
  if (p.sim) {
    const s = p.sim;
    detail.push(`ttft ${duration(s.ttftMs)}  per_token ${duration(s.perTokenMs)}  output_tokens ${s.outputTokens}`);
    if (s.errorRate > 0) detail.push(`error_rate ${percent(s.errorRate)} (${s.errorStatus})`);
    if (s.outage)
      detail.push(`outage every ${duration(s.outage.periodMs)} for ${duration(s.outage.downMs)} (${s.outage.status})`);
  }
  if (p.limits.length) detail.push(`quota ${p.limits.map(limit).join(", ")}`);
  return [p.name, p.kind, detail.join("  ")];
}

function modelRow(m: ModelNode): string[] {
  const detail = [`context ${size(m.contextWindow)}`, `max_output ${size(m.maxOutput)}`];
  if (m.priceIn || m.priceOut) detail.push(`price ${money(m.priceIn)}/${money(m.priceOut)} per 1M`);
  if (m.limits.length) detail.push(`quota ${m.limits.map(limit).join(", ")}`);
  return [m.name, `${m.provider}/${m.upstream}`, `[${m.capNames.join(", ")}]`, detail.join("  ")];
}

function accessDetail(limits: LimitNode[], strict: boolean, tags: Record<string, string>): string[] {
  const detail: string[] = [];
  const rates = limits.filter((l) => l.metric !== "usd");
  const budget = limits.filter((l) => l.metric === "usd");
  if (rates.length) detail.push(`limit ${rates.map(limit).join(", ")}`);
  if (budget.length) detail.push(`budget ${budget.map(limit).join(", ")}${strict ? " strict" : ""}`);
  const tagText = Object.entries(tags).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  if (tagText.length) detail.push(`tags ${tagText.join(" ")}`);
  return detail;
}

function teamRow(t: TeamNode): string[] {
  return [t.name, accessDetail(t.limits, t.strict, t.tags).join("  ")];
}

/** The secret shows as its variable's name only: the graph never holds the value. */
function keyRow(k: KeyNode): string[] {
  const detail = [`secret $${k.secretEnv}`, `routes ${k.routes === null ? "all" : `[${k.routes.join(", ")}]`}`];
  if (k.team) detail.push(`team ${k.team}`);
  return [k.name, [...detail, ...accessDetail(k.limits, k.strict, k.tags)].join("  ")];
}

function routeLines(route: RouteNode, worst: RouteWorstCase | undefined): string[] {
  const out = [`route ${route.name}`];
  const seen: Settings[] = [];
  route.rules.forEach((rule, i) => {
    const needs = rule.needs ? `  needs [${maskToCaps(rule.needs).join(", ")}]` : "";
    const line = rule.line ? ` (line ${rule.line})` : "";
    out.push(`  rule ${i + 1}${line}: ${condText(rule.cond)}${needs}`);
    out.push(...targetLines(rule.target, "    "));
    const same = seen.findIndex((s) => JSON.stringify(s) === JSON.stringify(rule.settings));
    if (same >= 0) out.push(`    settings as rule ${same + 1}`);
    else out.push("    settings", ...settingsLines(rule.settings).map((l) => `      ${l}`));
    seen.push(rule.settings);
    const w = worst?.rules[i];
    if (w) out.push(...ruleWorstLines(w).map((l) => `      ${l}`));
  });
  if (worst) out.push(`  ${routeWorstLine(worst)}`);
  return out;
}

function targetLines(t: TargetNode, indent: string): string[] {
  switch (t.kind) {
    case "route":
      return [`${indent}-> route ${t.route}`];
    case "split": {
      const weights = armWeights(t);
      return [
        `${indent}split`,
        ...t.arms.flatMap((arm, i) => {
          const [first, ...rest] = targetLines(arm.target, `${indent}    `);
          return [`${indent}  ${weights[i]}: ${first.trimStart()}`, ...rest];
        }),
      ];
    }
    default: {
      const weighted = t.kind === "select" && (t.strategy === "weighted" || t.candidates.some((c) => c.weight !== 1));
      return [
        `${indent}${targetLabel(t)}`,
        ...table(
          t.candidates.map((c, i) => candidateRow(c, i, weighted)),
          `${indent}  `,
        ),
      ];
    }
  }
}

function candidateRow(c: CandidateNode, i: number, weighted: boolean): string[] {
  const caps = `[${maskToCaps(c.caps).join(", ")}]`;
  return [
    `${i + 1}. ${c.model}`,
    c.provider,
    caps,
    `context ${size(c.contextWindow)}${weighted ? `  weight ${c.weight}` : ""}`,
  ];
}

export function settingsLines(s: Settings): string[] {
  const t = s.timeout;
  const r = s.retry;
  const b = s.breaker;
  const rate =
    b.errorRate === null
      ? "error_rate off"
      : `error_rate ${percent(b.errorRate)} over ${duration(b.windowMs)} (min ${b.minRequests})`;
  return [
    `timeout  connect ${duration(t.connectMs)}  first_token ${duration(t.firstTokenMs)}  idle ${duration(t.idleMs)}  total ${duration(t.totalMs)}`,
    `retry    attempts ${r.attempts}  max_per_request ${r.maxPerRequest}  backoff ${duration(r.backoffBaseMs)}..${duration(r.backoffMaxMs)} jitter ${percent(r.jitter)}  retry_after_cap ${duration(r.retryAfterCapMs)}`,
    `         on [${[...statuses(r.onStatuses), ...r.onClasses].join(", ")}]`,
    `breaker  failures ${b.failures}  ${rate}  cooldown ${duration(b.cooldownMs)}  probes ${b.probes}  successes ${b.successes}`,
    `stream   on_break ${s.stream.onBreak}  tool_calls ${s.stream.toolCalls}  failover on_content_policy ${s.failoverOnContentPolicy}`,
    ...(s.bounds ? [`bounds   ${boundsText(s.bounds)}`] : []),
    ...cacheLines(s),
  ];
}

function boundsText(b: NonNullable<Settings["bounds"]>): string {
  const parts: string[] = [];
  if (b.latencyMs !== null) parts.push(`latency ${duration(b.latencyMs)}`);
  if (b.costUsd !== null) parts.push(`cost ${money(b.costUsd)}`);
  if (b.attempts !== null) parts.push(`attempts ${b.attempts}`);
  return parts.join("  ");
}

function cacheLines(s: Settings): string[] {
  const c = s.cache;
  if (c === undefined) return [];
  return [
    `cache    ttl ${duration(c.ttlMs)}  max_entries ${size(c.maxEntries)}  max_bytes ${size(c.maxBytes)}  shared ${c.shared}`,
  ];
}

/** Left-aligned columns; the last column is not padded so lines carry no trailing spaces. */
function table(rows: string[][], indent = "  "): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    (indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")).trimEnd(),
  );
}
