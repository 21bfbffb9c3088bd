// Lint over the worst-case analysis: a rule whose worst case breaks a declared `bounds { … }`
// (SY2037, an error pointing at the bound and at the settings that make up the worst path), and a
// rule with no latency bound whose worst wait is clearly unreasonable (SY3009, over 10 minutes).
// Runs after compilation, on the compiled graph, with the AST only to find spans.
import { resolveSettings, type ResolvedSettings } from "../../check/resolve-settings.ts";
import type { Decl, Policy, Rule, Value } from "../../syntax/ast.ts";
import type { Diagnostic, Label } from "../../syntax/diagnostic.ts";
import type { Graph } from "../graph.ts";
import { duration as exactDuration, money } from "../print/units.ts";
import { describeBills, describePath, duration } from "./describe.ts";
import { analyzeGraph, type RuleWorstCase } from "./worst-case.ts";

/** A worst wait above this without a declared latency bound is reported (SY3009). */
export const UNREASONABLE_LATENCY_MS = 10 * 60_000;

const LATENCY_SETTINGS = ["timeout.first_token", "timeout.connect", "retry.attempts", "retry.max_per_request", "retry.backoff.max", "retry.retry_after_cap", "timeout.total"];
const ATTEMPT_SETTINGS = ["retry.attempts", "retry.max_per_request"];
const COST_SETTINGS = ["retry.attempts", "retry.max_per_request", "retry.on"];

export function checkBounds(policy: Policy, graph: Graph): Diagnostic[] {
  const worst = new Map(analyzeGraph(graph).routes.map((r) => [r.route, r]));
  const defaults = policy.items.find((d) => d.kind === "defaults")?.body;
  const out: Diagnostic[] = [];
  for (const decl of policy.items) {
    if (decl.kind !== "route") continue;
    const analysed = worst.get(decl.name?.value ?? "");
    if (!analysed) continue;
    const rules = decl.body.members.filter((m): m is Rule => m.kind === "rule");
    rules.forEach((rule, i) => {
      const w = analysed.rules[i];
      if (w) out.push(...checkRule(policy.file, decl, rule, w, resolveSettings([defaults, decl.body, rule.settings])));
    });
  }
  return out;
}

function checkRule(file: string, route: Decl, rule: Rule, w: RuleWorstCase, resolved: ResolvedSettings): Diagnostic[] {
  const bounds = resolved.values.bounds;
  const where = `route \`${route.name?.value}\` rule ${w.rule} (\`${rule.keyword.text}\`)`;
  const label = (v: Value | undefined, message: string): Label => ({ file, span: (v ?? rule.keyword).span, message });
  const responsible = (paths: string[]): Label[] =>
    paths.flatMap((p) => {
      const v = resolved.origin.get(p);
      return v ? [{ file, span: v.span, message: `${p.split(".").pop()} ${sourceText(v)}` }] : [];
    });
  const out: Diagnostic[] = [];
  const report = (bound: string, worstText: string, limitText: string, paths: string[], detail: string, help: string) => {
    out.push({
      code: "SY2037",
      severity: "error",
      message: `worst-case ${bound} of ${where} is ${worstText}, over its bound of ${limitText}`,
      primary: label(resolved.origin.get(`bounds.${bound}`), `bound ${limitText}`),
      secondary: [{ file, span: rule.keyword.span, message: "this rule" }, ...responsible(paths)],
      notes: [`worst path: ${detail}`],
      help,
    });
  };
  if (bounds.latency !== null && w.latencyMs > bounds.latency) {
    report("latency", duration(w.latencyMs), exactDuration(bounds.latency), LATENCY_SETTINGS, `${describePath(w)} > ${exactDuration(bounds.latency)}`,
      "lower `first_token`, `retry { attempts }` or `max_per_request`, shorten `backoff { max }` or `retry_after_cap`, or set `timeout { total }` at most the bound");
  }
  if (bounds.attempts !== null && w.attempts > bounds.attempts) {
    report("attempts", String(w.attempts), String(bounds.attempts), ATTEMPT_SETTINGS, `${w.path.map((s) => `${s.attempts} on ${s.model}`).join(", ")}`,
      "lower `retry { attempts }` or set `retry { max_per_request }` at most the bound");
  }
  if (bounds.cost !== null && w.costUsd > bounds.cost) {
    report("cost", money(w.costUsd), money(bounds.cost), COST_SETTINGS, `${describeBills(w)} > ${money(bounds.cost)}`,
      "remove `timeout` from `retry { on }` so a timed-out (billed) attempt is not retried, lower `max_per_request`, give the models a smaller `max_output`, or bound the prompt with `when tokens < …`");
  }
  if (bounds.latency === null && w.latencyMs > UNREASONABLE_LATENCY_MS) {
    const total = resolved.origin.get("timeout.total");
    out.push({
      code: "SY3009",
      severity: "warning",
      message: `a request on ${where} can wait ${duration(w.latencyMs)} for its first token or error`,
      primary: label(total, `total ${total ? sourceText(total) : ""}`.trimEnd()),
      secondary: [{ file, span: rule.keyword.span, message: "this rule" }, ...responsible(LATENCY_SETTINGS.filter((p) => p !== "timeout.total"))],
      notes: [`worst path: ${describePath(w)}`, `clients and load balancers usually give up long before ${duration(UNREASONABLE_LATENCY_MS)}`],
      help: "lower `timeout { total }`, or declare `bounds { latency … }` if the wait is intended",
    });
  }
  return out;
}

/** The value as written (`20s`, `3`), for labels. */
function sourceText(v: Value): string {
  return "raw" in v ? v.raw : v.kind === "ident" ? v.name : v.kind === "list" ? "[…]" : v.kind === "bool" ? String(v.value) : "";
}
