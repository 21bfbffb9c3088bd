// `--fail-on success,p95+10%,cost+10%`: which metrics may not get worse, and by how much. A bare
// name allows no worsening (a share such as the success rate may move 0.1 point, so rounding
// cannot fail a build); `name+X%` allows a rise of X percent on a metric where lower is better;
// `name-X%` allows a drop of X points on a share where higher is better.
import { didYouMean } from "../../util/edit-distance.ts";
import type { Comparison } from "./compare.ts";
import { METRIC_NAMES, formatValue, metricDef, type MetricName } from "./metrics.ts";

/** A bare gate on a share (success rate, cache hit rate) tolerates this many points of drop. */
export const SHARE_TOLERANCE_POINTS = 0.1;

export interface Gate {
  /** The entry as written. */
  text: string;
  metric: MetricName;
  /** Percent rise allowed (lower-is-better metrics), or points of drop allowed (shares). */
  allowance: number;
}

export interface GateResult {
  gate: string;
  failed: boolean;
  /** False when either run has no value for the metric (no streams for ttft, no cache). */
  judged: boolean;
  message: string;
}

export type GateParse = { ok: true; gates: Gate[] } | { ok: false; error: string };

const EXAMPLE = "e.g. `--fail-on success,p95+10%,cost+10%`";

export function parseGates(text: string): GateParse {
  const gates: Gate[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") return { ok: false, error: `\`--fail-on\` has an empty entry in \`${text}\`; ${EXAMPLE}` };
    const m = /^([A-Za-z0-9_]+)(?:([+-])(.*))?$/.exec(entry);
    const name = m?.[1] ?? entry;
    if (!m || !METRIC_NAMES.includes(name)) {
      const hint = didYouMean(name, METRIC_NAMES);
      return {
        ok: false,
        error: `unknown metric \`${name}\` in \`--fail-on\`${hint ? `; ${hint}` : ""}\n  metrics: ${METRIC_NAMES.join(", ")}`,
      };
    }
    const metric = name as MetricName;
    const def = metricDef(metric);
    const share = def.unit === "share";
    if (m[2] === undefined) {
      gates.push({ text: entry, metric, allowance: share ? SHARE_TOLERANCE_POINTS : 0 });
      continue;
    }
    const want = def.better === "lower" ? "+" : "-";
    const example = `\`${metric}${want}${share ? "0.5" : "10"}%\``;
    if (m[2] !== want) {
      const what = def.better === "lower" ? "a rise in percent" : "a drop in points";
      return {
        ok: false,
        error: `\`--fail-on\` entry \`${entry}\`: \`${metric}\` is better when ${def.better}, so it allows ${what}; write ${example}`,
      };
    }
    const amount = /^(\d+(?:\.\d+)?)%$/.exec(m[3] ?? "");
    if (!amount)
      return {
        ok: false,
        error: `\`--fail-on\` entry \`${entry}\`: the allowance must be a percentage; write ${example}`,
      };
    gates.push({ text: entry, metric, allowance: Number(amount[1]) });
  }
  return { ok: true, gates };
}

export function judgeGates(gates: readonly Gate[], c: Comparison): GateResult[] {
  return gates.map((g) => judge(g, c));
}

function judge(g: Gate, c: Comparison): GateResult {
  const def = metricDef(g.metric);
  const row = c.metrics.find((r) => r.metric === g.metric)!;
  if (row.old === null || row.new === null)
    return { gate: g.text, failed: false, judged: false, message: `${g.text}: not measured in both runs` };
  const oldText = formatValue(def.unit, row.old);
  const newText = formatValue(def.unit, row.new);
  if (def.unit === "share") {
    const drop = Math.round((row.old - row.new) * 1e4) / 1e2; // in points, to two decimals
    const failed = drop > g.allowance;
    const moved = drop > 0 ? `${drop} points below` : drop < 0 ? `${-drop} points above` : "the same as";
    return {
      gate: g.text,
      failed,
      judged: true,
      message: `${g.text}: ${newText} is ${moved} ${oldText} (allowed: a drop of ${g.allowance} points)`,
    };
  }
  const rise = row.old === 0 ? (row.new > 0 ? Infinity : 0) : ((row.new - row.old) / row.old) * 100;
  const failed = Math.round(rise * 1e6) / 1e6 > g.allowance; // 2.2 over 2 is 10.000000000000009%
  const pct = Math.round(Math.abs(rise) * 10) / 10;
  const moved = rise === Infinity ? "above" : rise > 0 ? `${pct}% above` : rise < 0 ? `${pct}% below` : "the same as";
  const allowed = g.allowance === 0 ? "no rise" : `a rise of ${g.allowance}%`;
  return {
    gate: g.text,
    failed,
    judged: true,
    message: `${g.text}: ${newText} is ${moved} ${oldText} (allowed: ${allowed})`,
  };
}
