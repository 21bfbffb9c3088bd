// Lint over the worst-case analysis: a rule whose worst case breaks a declared `bounds { … }`
// (SY2037, an error pointing at the bound and at the settings that make up the worst path), and a
// rule with no latency bound whose worst wait is clearly unreasonable (SY3009, over 10 minutes).
// Runs after compilation, on the compiled graph, with the AST only to find spans.
import { findProperty, resolveSettings, type ResolvedSettings } from "../../check/resolve-settings.ts";
import type { Decl, Policy, Rule, Value } from "../../syntax/ast.ts";
import { CHECK_CODES } from "../../check/codes.ts";
import { CHECK_MESSAGES } from "../../check/messages.ts";
import { diagnosticOf, type Diagnostic, type Label } from "../../syntax/diagnostic.ts";
import type { Graph } from "../graph.ts";
import { duration as exactDuration, money } from "../print/units.ts";
import { describeBills, describePath, duration } from "./describe.ts";
import { checkBudgets } from "./budget-check.ts";
import { analyzeGraph, type RuleWorstCase, type WorstCase } from "./worst-case.ts";

/** The settings that shaped the worst wait, so the code frame points only at knobs that matter. */
function latencySettings(w: WorstCase): string[] {
  const { timeout, retry } = w.settings;
  const paths = [timeout.connectMs > timeout.firstTokenMs ? "timeout.connect" : "timeout.first_token"];
  const retries = w.path.some((s) => s.attempts > 1);
  if (retries) paths.push("retry.attempts");
  if (w.attempts === retry.maxPerRequest) paths.push("retry.max_per_request");
  if (w.path.some((s) => s.waitMs > 0)) {
    if (retry.backoffMaxMs > retry.retryAfterCapMs) paths.push("retry.backoff.max", "retry.backoff.base");
    else paths.push("retry.retry_after_cap");
  }
  if (w.uncappedMs > w.latencyMs) paths.push("timeout.total");
  return paths;
}

/** A worst wait above this without a declared latency bound is reported (SY3009). */
export const UNREASONABLE_LATENCY_MS = 10 * 60_000;

const ATTEMPT_SETTINGS = ["retry.attempts", "retry.max_per_request"];
/** Retries bill only when `timeout` is retried; then attempts and the retry list are knobs too. */
function costSettings(w: WorstCase): string[] {
  return w.bills.some((b) => b.attempts > 1) ? ["retry.attempts", "retry.on"] : [];
}

export function checkBounds(policy: Policy, graph: Graph): Diagnostic[] {
  const worst = new Map(analyzeGraph(graph).routes.map((r) => [r.route, r]));
  const defaults = policy.items.find((d) => d.kind === "defaults")?.body;
  const out: Diagnostic[] = [];
  // built on the first rule that reports: a policy with no bound broken never needs it
  let labels: Map<string, Label> | null = null;
  const prices = () => (labels ??= priceLabels(policy));
  const compiled = new Map(graph.routes.map((r) => [r.name, r.rules]));
  for (const decl of policy.items) {
    if (decl.kind !== "route") continue;
    const analysed = worst.get(decl.name?.value ?? "");
    if (!analysed) continue;
    const nodes = compiled.get(analysed.route);
    const rules = decl.body.members.filter((m): m is Rule => m.kind === "rule");
    rules.forEach((rule, i) => {
      const w = analysed.rules[i];
      // Nothing to report without a declared bound or an unreasonable wait: skip resolving the
      // rule's settings from the syntax tree, which is most of this pass's time on large policies.
      if (w && !nodes?.[i]?.settings.bounds && w.latencyMs <= UNREASONABLE_LATENCY_MS) return;
      if (w)
        out.push(
          ...checkRule(policy.file, decl, rule, w, resolveSettings([defaults, decl.body, rule.settings]), prices),
        );
    });
  }
  // budgets of keys and teams against the same worst cases (SY3011)
  out.push(...checkBudgets(policy, graph, worst));
  return out;
}

/** Where each model's price is written (its name when it has none), for cost frames. */
function priceLabels(policy: Policy): Map<string, Label> {
  const labels = new Map<string, Label>();
  for (const d of policy.items) {
    if (d.kind !== "model" || d.name === null) continue;
    const price = findProperty(d.body, "price");
    labels.set(d.name.value, {
      file: policy.file,
      span: (price ?? d.name).span,
      message: `price of \`${d.name.value}\``,
    });
  }
  return labels;
}

/** One rule being checked: where it is, how to name it, and where its settings were written. */
interface RuleSite {
  file: string;
  rule: Rule;
  resolved: ResolvedSettings;
  /** `route \`r\` rule 2 (\`when\`)`, for messages. */
  where: string;
}

function checkRule(
  file: string,
  route: Decl,
  rule: Rule,
  w: RuleWorstCase,
  resolved: ResolvedSettings,
  prices: () => Map<string, Label>,
): Diagnostic[] {
  const where = `route \`${route.name?.value}\` rule ${w.rule} (\`${rule.keyword.text}\`)`;
  const site: RuleSite = { file, rule, resolved, where };
  const warning = unreasonableLatency(site, w);
  return [...boundViolations(site, w, prices), ...(warning ? [warning] : [])];
}

/** A label at `v`, or at the rule's keyword when the value is not written anywhere. */
function labelAt(site: RuleSite, v: Value | undefined, message: string): Label {
  return { file: site.file, span: (v ?? site.rule.keyword).span, message };
}

/** Labels on the settings at `paths` that were written in the policy (defaults have no span). */
function responsible(site: RuleSite, paths: string[]): Label[] {
  return paths.flatMap((p) => {
    const v = site.resolved.origin.get(p);
    return v ? [{ file: site.file, span: v.span, message: `${p.split(".").pop()} ${sourceText(v)}` }] : [];
  });
}

/** SY2037 for each declared bound (latency, attempts, cost) the rule's worst case exceeds. */
function boundViolations(site: RuleSite, w: RuleWorstCase, prices: () => Map<string, Label>): Diagnostic[] {
  const bounds = site.resolved.values.bounds;
  const out: Diagnostic[] = [];
  const report = (
    bound: string,
    worstText: string,
    limitText: string,
    paths: string[],
    detail: string,
    help: string,
    extra: Label[] = [],
  ) => {
    out.push(
      diagnosticOf(
        CHECK_CODES,
        "SY2037",
        CHECK_MESSAGES.SY2037.overBound({ bound, where: site.where, worst: worstText, limit: limitText }),
        labelAt(site, site.resolved.origin.get(`bounds.${bound}`), `bound ${limitText}`),
        {
          secondary: [
            { file: site.file, span: site.rule.keyword.span, message: "this rule" },
            ...responsible(site, paths),
            ...extra,
          ],
          notes: [`worst path: ${detail}`],
          help,
        },
      ),
    );
  };
  if (bounds.latency !== null && w.latencyMs > bounds.latency) {
    report(
      "latency",
      duration(w.latencyMs),
      exactDuration(bounds.latency),
      latencySettings(w),
      `${describePath(w)} > ${exactDuration(bounds.latency)}`,
      "lower `first_token`, `retry { attempts }` or `max_per_request`, shorten `backoff { max }` or `retry_after_cap`, or set `timeout { total }` at most the bound",
    );
  }
  if (bounds.attempts !== null && w.attempts > bounds.attempts) {
    report(
      "attempts",
      String(w.attempts),
      String(bounds.attempts),
      ATTEMPT_SETTINGS,
      `${w.path.map((s) => `${s.attempts} on ${s.model}`).join(", ")}`,
      "lower `retry { attempts }` or set `retry { max_per_request }` at most the bound",
    );
  }
  if (bounds.cost !== null && w.costUsd > bounds.cost) {
    const priced = w.bills.flatMap((b) => prices().get(b.model) ?? []);
    report(
      "cost",
      money(w.costUsd),
      money(bounds.cost),
      costSettings(w),
      `${describeBills(w)} > ${money(bounds.cost)}`,
      "remove `timeout` from `retry { on }` so a timed-out (billed) attempt is not retried, give the models a smaller `max_output`, bound the prompt with `when tokens < …`, or use cheaper models",
      priced,
    );
  }
  return out;
}

/** SY3009 when no latency bound is declared and the worst wait is clearly too long. */
function unreasonableLatency(site: RuleSite, w: RuleWorstCase): Diagnostic | null {
  if (site.resolved.values.bounds.latency !== null || w.latencyMs <= UNREASONABLE_LATENCY_MS) return null;
  const total = site.resolved.origin.get("timeout.total");
  return diagnosticOf(
    CHECK_CODES,
    "SY3009",
    CHECK_MESSAGES.SY3009.longWait({ where: site.where, wait: duration(w.latencyMs) }),
    labelAt(site, total, `total ${total ? sourceText(total) : ""}`.trimEnd()),
    {
      secondary: [
        { file: site.file, span: site.rule.keyword.span, message: "this rule" },
        ...responsible(
          site,
          latencySettings(w).filter((p) => p !== "timeout.total"),
        ),
      ],
      notes: [
        `worst path: ${describePath(w)}`,
        `clients and load balancers usually give up long before ${duration(UNREASONABLE_LATENCY_MS)}`,
      ],
      help: "lower `timeout { total }`, or declare `bounds { latency … }` if the wait is intended",
    },
  );
}

/** The value as written (`20s`, `3`), for labels. */
function sourceText(v: Value): string {
  return "raw" in v
    ? v.raw
    : v.kind === "ident"
      ? v.name
      : v.kind === "list"
        ? "[…]"
        : v.kind === "bool"
          ? String(v.value)
          : "";
}
