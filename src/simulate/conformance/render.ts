// The conformance scorecard as text (one block per route, one line per case with its reason) and
// as JSON (the same data, stable for the same policy).
import { GRADES, type Scorecard } from "./run.ts";
import type { Grade } from "./types.ts";

/** ANSI colour codes by grade, as the simulate summary paints its pass/fail marks. */
const COLOR: Record<Grade, string> = { pass: "32", partial: "33", safe: "36", fail: "31" };

export function renderScorecardJson(card: Scorecard): string {
  return `${JSON.stringify(card, null, 2)}\n`;
}

export function renderScorecard(card: Scorecard, opts: { color: boolean }): string {
  const out = [`fault conformance: ${card.policy}`, ""];
  const width = Math.max(...card.routes.flatMap((r) => ("results" in r ? r.results.map((x) => x.id.length) : [0])));
  let failures = 0;
  for (const r of card.routes) {
    if (!("results" in r)) {
      out.push(`route ${r.route}: skipped, ${r.skipped}`, "");
      continue;
    }
    const fallbacks = r.fallbacks.length > 0 ? r.fallbacks.join(", ") : "none";
    out.push(`route ${r.route}  (primary ${r.primary}; fallbacks ${fallbacks})`);
    const counts = new Map<Grade, number>();
    for (const x of r.results) {
      counts.set(x.grade, (counts.get(x.grade) ?? 0) + 1);
      const grade = x.grade.padEnd(7);
      out.push(`  ${opts.color ? `\x1b[${COLOR[x.grade]}m${grade}\x1b[0m` : grade} ${x.id.padEnd(width)}  ${x.reason}`);
    }
    failures += counts.get("fail") ?? 0;
    out.push(`  ${GRADES.map((g) => `${counts.get(g) ?? 0} ${g}`).join(", ")}`, "");
  }
  out.push(card.passed ? "conformance: no case failed" : `conformance: ${failures} case(s) failed`);
  return `${out.join("\n")}\n`;
}
