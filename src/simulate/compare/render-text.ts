// The human side-by-side printed by `simulate --compare`: each metric old, new and the change, who
// served the traffic, the requests that ended differently with both attempt trails, and the gates.
import { formatMs, formatOffset, formatShare } from "../format.ts";
import { table } from "../render-text.ts";
import { CHANGE_KINDS, type ChangeKind, type Comparison, type DiffRow, type RequestSide } from "./compare.ts";
import type { GateResult } from "./gate.ts";
import { formatChange, formatValue, metricDef } from "./metrics.ts";

export interface CompareTextOptions {
  color: boolean;
}

export function renderCompareText(c: Comparison, gates: readonly GateResult[], opts: CompareTextOptions): string {
  const paint = (code: string, text: string) => (opts.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const out: string[] = [];
  out.push(
    `compared on \`${c.scenario}\`: ${formatMs(c.durationMs)} simulated, seed ${c.seed}, ${c.requests} requests, the same traffic and upstream behaviour for both`,
  );
  out.push(`  old  ${c.old.policy}`);
  out.push(`  new  ${c.new.policy}`);
  out.push("");
  const metricRows = c.metrics
    .filter((r) => r.old !== null || r.new !== null)
    .map((r) => {
      const def = metricDef(r.metric);
      return [
        def.label,
        formatValue(def.unit, r.old),
        formatValue(def.unit, r.new),
        formatChange(def.unit, r.old, r.new),
      ];
    });
  out.push(...table([["metric", "old", "new", "change"], ...metricRows]));
  out.push("");
  const shareRows = c.shares.map((s) => [
    s.model,
    formatShare(s.old),
    formatShare(s.new),
    formatChange("share", s.old, s.new),
  ]);
  out.push(...table([["served by", "old", "new", "change"], ...shareRows]));
  out.push("");
  out.push(differingHeader(c));
  for (const d of c.diffs) out.push(...diffLines(d));
  if (gates.length > 0) {
    out.push("");
    out.push("gates (--fail-on)");
    for (const g of gates) {
      const mark = !g.judged ? "skip" : g.failed ? paint("31", "FAIL") : paint("32", "pass");
      out.push(`  ${mark}  ${g.message}`);
    }
    const failed = gates.filter((g) => g.failed).length;
    out.push("");
    out.push(failed === 0 ? `no gate failed (${gates.length} checked)` : `${failed} of ${gates.length} gates failed`);
  }
  return out.join("\n") + "\n";
}

const CHANGE_TEXT: Record<ChangeKind, string> = {
  fails_only_new: "fail only under new",
  fails_only_old: "fail only under old",
  other_status: "fail with another status",
  other_model: "served by another model",
};

/** `412 fail only under new, 1981 served by another model`: the kinds that occurred. */
export function changesText(c: Comparison): string {
  return CHANGE_KINDS.filter((k) => c.changes[k] > 0)
    .map((k) => `${c.changes[k]} ${CHANGE_TEXT[k]}`)
    .join(", ");
}

function differingHeader(c: Comparison): string {
  if (c.differing === 0) return `requests whose outcome differs: none of ${c.requests}`;
  const shown =
    c.diffs.length < c.differing ? `\n  showing ${c.diffs.length}, failures first (--diffs N for more)` : "";
  return `requests whose outcome differs: ${c.differing} of ${c.requests} (${changesText(c)})${shown}`;
}

function diffLines(d: DiffRow): string[] {
  const head = `  #${d.seq}  at ${formatOffset(d.arrivedAt)}  route ${d.route}${d.stream ? "  stream" : ""}`;
  return [head, `    old  ${sideText(d.old)}`, `    new  ${sideText(d.new)}`];
}

/** `200 by sonnet in 1.2s  gpt4o:503,sonnet:200` or `503 upstream_5xx in 3s  gpt4o:503,gpt4o:503`. */
export function sideText(s: RequestSide): string {
  const what = s.ok ? `${s.status} by ${s.servedModel ?? "–"}` : `${s.status} ${s.errorKind ?? "error"}`;
  const skipped = s.skipped.length > 0 ? `  skipped ${s.skipped.join(", ")}` : "";
  return `${what} in ${formatMs(s.latencyMs)}  ${s.trail || "(no attempt)"}${skipped}`;
}
