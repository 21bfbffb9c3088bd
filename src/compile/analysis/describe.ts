// Worst-case figures as text (`switchyard graph`, lint's bound messages) and as JSON (`graph
// --format json`, `lint --format json`): the same numbers, written the way a policy writes them.
import { duration as exactDuration, money } from "../print/units.ts";

/** `2m20s` where a single unit would need a fraction (`140s` reads slower). */
export function duration(ms: number): string {
  if (ms < 60_000 || ms % 60_000 === 0) return exactDuration(ms);
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${exactDuration(ms - minutes * 60_000)}`;
}
import type { GraphWorstCase, PathStep, RouteWorstCase, RuleWorstCase, WorstCase } from "./worst-case.ts";

/** `3 attempts × first_token 20s on gpt4o (waits up to 4s), then 2 × 20s on sonnet: 104s` */
export function describePath(w: WorstCase): string {
  const phase = w.settings.timeout.connectMs > w.settings.timeout.firstTokenMs ? "connect" : "first_token";
  const steps = w.path.map((s: PathStep, i) => {
    const head =
      i === 0
        ? `${s.attempts} ${s.attempts === 1 ? "attempt" : "attempts"} × ${phase} ${duration(s.attemptMs)}`
        : `${s.attempts} × ${duration(s.attemptMs)}`;
    return `${head} on ${s.model}${s.waitMs > 0 ? ` (retry waits up to ${duration(s.waitMs)})` : ""}`;
  });
  const sum = `${duration(w.uncappedMs)}`;
  const capped = w.uncappedMs > w.latencyMs ? `, cut to ${duration(w.latencyMs)} by total` : "";
  return steps.length ? `${steps.join(", then ")}: ${sum}${capped}` : "no model can be attempted";
}

/** `2 × (123.9k in + 4.1k out) on gpt4o: $0.70` */
export function describeBills(w: WorstCase): string {
  if (w.bills.length === 0) return "no priced model can be attempted: $0";
  const parts = w.bills.map((b) => `${b.attempts} × (${b.inputTokens} in + ${b.outputTokens} out) on ${b.model}`);
  return `${parts.join(" + ")}: ${money(w.costUsd)}`;
}

/** One line per rule for `switchyard graph`. */
export function ruleWorstLines(w: RuleWorstCase): string[] {
  return [
    `worst    first token or error ${duration(w.latencyMs)}  wall ${duration(w.wallMs)}  attempts ${w.attempts}  cost ${money(w.costUsd)}`,
    `         time: ${describePath(w)}`,
    `         cost: ${describeBills(w)}`,
  ];
}

export function routeWorstLine(r: RouteWorstCase): string {
  return `worst case over its rules: first token or error ${duration(r.latencyMs)}  wall ${duration(r.wallMs)}  attempts ${r.attempts}  cost ${money(r.costUsd)}`;
}

/** The JSON shape: figures in ms and USD, without the settings (the graph has them). */
export function worstCaseJson(a: GraphWorstCase): unknown {
  const rule = ({ settings: _settings, ...rest }: RuleWorstCase) => rest;
  return { assumptions: a.assumptions, routes: a.routes.map((r) => ({ ...r, rules: r.rules.map(rule) })) };
}
