// The human summary printed by `switchyard simulate`: totals, latency, per-model rows, the breaker
// timeline and each expectation with its measured value.
import { formatMs, formatOffset, formatShare, formatUsd } from "./format.ts";
import { cacheLine } from "./cache-report.ts";
import type { Percentiles } from "./percentiles.ts";
import type { Summary } from "./summary.ts";
import type { InstancesReport } from "./cluster-report.ts";

export interface TextOptions {
  color: boolean;
}

const MAX_TIMELINE = 40;

function pct(p: Percentiles): string {
  const f = (x: number | null) => (x === null ? "–" : formatMs(x));
  return `p50 ${f(p.p50)}  p95 ${f(p.p95)}  p99 ${f(p.p99)}`;
}

function counts(r: Record<string, number>): string {
  const parts = Object.entries(r).map(([k, n]) => `${k} ${n}`);
  return parts.length === 0 ? "–" : parts.join(", ");
}

/** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd(),
  );
}

export function renderText(s: Summary, opts: TextOptions = { color: false }): string {
  const paint = (code: string, text: string) => (opts.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const t = s.totals;
  const out: string[] = [];
  out.push(`simulated ${formatMs(s.durationMs)} of \`${s.scenario}\` on \`${s.policy}\` (seed ${s.seed})`);
  out.push("");
  out.push(`requests      ${t.requests}  (${t.streams} streamed)`);
  out.push(`successes     ${t.successes}  (${formatShare(t.successRate)})`);
  out.push(`failed over   ${t.failedOver} requests, ${t.failovers} failovers`);
  out.push(`continuations ${t.continuations} mid-stream`);
  out.push(`errors        ${counts(t.errorsByKind)}`);
  out.push(`attempts      mean ${t.meanAttempts}, max ${t.maxAttempts}`);
  out.push(`latency       ${pct(s.latencyMs)}`);
  out.push(`ttft          ${pct(s.ttftMs)}  (streams)`);
  out.push(`cost          ${formatUsd(t.costUsd)}`);
  if (s.cache) out.push(`cache         ${cacheLine(s.cache)}`);
  out.push("");
  const header = ["model", "served", "attempted", "failed", "failures by class", "skipped"];
  const rows = s.models.map((m) => [
    m.name,
    String(m.served),
    String(m.attempted),
    String(m.failed),
    counts(m.failedByClass),
    counts(m.skipped),
  ]);
  out.push(...table([header, ...rows]));
  out.push("");
  if (s.instances) out.push(...instanceLines(s.instances), "");
  if (s.breakers.length === 0) out.push("breakers      no transitions");
  else {
    out.push(`breakers      ${s.breakers.length} transitions`);
    for (const b of s.breakers.slice(0, MAX_TIMELINE))
      out.push(
        `  ${formatOffset(b.at)}  ${b.model}  ${b.from} → ${b.to}${b.instance ? `  (instance ${b.instance})` : ""}`,
      );
    if (s.breakers.length > MAX_TIMELINE)
      out.push(`  … ${s.breakers.length - MAX_TIMELINE} more (see --json or --report)`);
  }
  if (s.expectations.length > 0) {
    out.push("");
    out.push("expectations");
    for (const e of s.expectations) {
      const mark = e.passed ? paint("32", "pass") : paint("31", "FAIL");
      out.push(`  ${mark}  ${e.check}: ${e.measured}${e.detail ? ` (${e.detail})` : ""}`);
    }
    const failed = s.expectations.filter((e) => !e.passed).length;
    out.push("");
    out.push(
      failed === 0
        ? `all ${s.expectations.length} expectations hold`
        : `${failed} of ${s.expectations.length} expectations failed`,
    );
  }
  return out.join("\n") + "\n";
}

/** The per-instance rows and each request quota's fullest window against its limit. */
function instanceLines(r: InstancesReport): string[] {
  const sharing = r.shared ? `one shared store, propagation ${formatMs(r.propagationMs)}` : "no shared store";
  const out = [`instances     ${r.count} behind ${r.balance.replace("_", " ")}, ${sharing}`];
  const header = ["instance", "requests", "served", "failed over", "probes", "store"];
  const rows = r.rows.map((i) => [i.instance, i.requests, i.served, i.failedOver, i.probes, i.store].map(String));
  out.push(...table([header, ...rows]).map((line) => `  ${line}`));
  for (const q of r.quotas) {
    const over = q.peak > q.limit ? `, ${q.peak - q.limit} over` : "";
    out.push(`  quota ${q.model} requests ${q.limit}/${q.window}: at most ${q.peak} served in one window${over}`);
  }
  return out;
}
