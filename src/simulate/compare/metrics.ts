// The metrics `--compare` puts side by side and `--fail-on` can gate on: one table of names, how
// each is read from a run's summary, which direction is better, and how its value is written.
import { formatMs, formatShare, formatUsd } from "../format.ts";
import type { Summary } from "../summary.ts";

export type MetricUnit = "share" | "ms" | "usd" | "count" | "mean";

export interface MetricDef {
  name: string;
  label: string;
  unit: MetricUnit;
  /** `higher`: a rise is an improvement (success rate, cache hits); `lower`: a rise is worse. */
  better: "higher" | "lower";
  /** The value in one run, or null when that run has nothing to measure (no streams, no cache). */
  of: (s: Summary) => number | null;
}

const opens = (s: Summary) => s.breakers.filter((b) => b.to === "open").length;

export const METRICS = [
  { name: "success", label: "success rate", unit: "share", better: "higher", of: (s) => s.totals.successRate },
  { name: "failovers", label: "failovers", unit: "count", better: "lower", of: (s) => s.totals.failovers },
  { name: "attempts", label: "attempts per request", unit: "mean", better: "lower", of: (s) => s.totals.meanAttempts },
  { name: "p50", label: "latency p50", unit: "ms", better: "lower", of: (s) => s.latencyMs.p50 },
  { name: "p95", label: "latency p95", unit: "ms", better: "lower", of: (s) => s.latencyMs.p95 },
  { name: "p99", label: "latency p99", unit: "ms", better: "lower", of: (s) => s.latencyMs.p99 },
  { name: "ttft_p50", label: "ttft p50", unit: "ms", better: "lower", of: (s) => s.ttftMs.p50 },
  { name: "ttft_p95", label: "ttft p95", unit: "ms", better: "lower", of: (s) => s.ttftMs.p95 },
  { name: "ttft_p99", label: "ttft p99", unit: "ms", better: "lower", of: (s) => s.ttftMs.p99 },
  { name: "cost", label: "cost", unit: "usd", better: "lower", of: (s) => s.totals.costUsd },
  { name: "breaker_opens", label: "breaker openings", unit: "count", better: "lower", of: opens },
  { name: "cache_hits", label: "cache hit rate", unit: "share", better: "higher", of: (s) => s.cache?.hitRate ?? null },
  {
    name: "expectations",
    label: "failed expectations",
    unit: "count",
    better: "lower",
    of: (s) => (s.expectations.length === 0 ? null : s.expectations.filter((e) => !e.passed).length),
  },
] as const satisfies readonly MetricDef[];

export type MetricName = (typeof METRICS)[number]["name"];

export const METRIC_NAMES: readonly string[] = METRICS.map((m) => m.name);

export function metricDef(name: MetricName): MetricDef {
  return METRICS.find((m) => m.name === name)!;
}

/** A value as the text and HTML output write it; `–` for not measured. */
export function formatValue(unit: MetricUnit, v: number | null): string {
  if (v === null) return "–";
  switch (unit) {
    case "share":
      return formatShare(v);
    case "ms":
      return formatMs(v);
    case "usd":
      return formatUsd(v);
    case "count":
    case "mean":
      return String(v);
  }
}

/** The change from old to new: points for shares, percent for the rest (`+12.5%`, `-3 pt`). */
export function formatChange(unit: MetricUnit, oldValue: number | null, newValue: number | null): string {
  if (oldValue === null || newValue === null) return "–";
  if (oldValue === newValue) return "=";
  if (unit === "share") {
    const points = Math.round((newValue - oldValue) * 10000) / 100;
    return `${points > 0 ? "+" : ""}${points} pt`;
  }
  if (oldValue === 0) return `+${formatValue(unit, newValue)}`;
  const pct = Math.round(((newValue - oldValue) / oldValue) * 1000) / 10;
  return `${pct > 0 ? "+" : ""}${pct}%`;
}
