// The run's results as plain data: the one structure the text, JSON and HTML renderers all read,
// ordered and rounded so the same policy, scenario and seed always serialise to the same bytes.
import type { Graph } from "../compile/graph.ts";
import type { CacheSummary } from "./cache-report.ts";
import type { InstancesReport } from "./cluster-report.ts";
import type { ExpectationResult } from "./expectations.ts";
import { roundUsd } from "../util/money.ts";
import { percentiles, round, roundOrNull, sortedPercentiles, type Percentiles } from "./percentiles.ts";
import type { BreakerEvent, Recorder } from "./recorder.ts";
import { timeSeries, type Series } from "./timeseries.ts";

export interface ModelRow {
  name: string;
  provider: string;
  served: number;
  attempted: number;
  failed: number;
  failedByClass: Record<string, number>;
  skipped: Record<string, number>;
}

export interface Summary {
  policy: string;
  scenario: string;
  seed: number;
  durationMs: number;
  totals: {
    requests: number;
    successes: number;
    successRate: number;
    failures: number;
    /** Requests served by a model other than the first one tried. */
    failedOver: number;
    failovers: number;
    continuations: number;
    streams: number;
    errorsByKind: Record<string, number>;
    costUsd: number;
    maxAttempts: number;
    meanAttempts: number;
  };
  latencyMs: Percentiles;
  ttftMs: Percentiles;
  models: ModelRow[];
  breakers: BreakerEvent[];
  expectations: ExpectationResult[];
  passed: boolean;
  series: Series;
  /** The response cache's counters; absent when no rule of the policy caches. */
  cache?: CacheSummary;
  /** Per instance rows and quota peaks; present only with `instances:` in the scenario. */
  instances?: InstancesReport;
}

export interface SummaryInputs {
  policy: string;
  scenario: string;
  seed: number;
  durationMs: number;
  graph: Graph;
  recorder: Recorder;
  expectations: ExpectationResult[];
  cache?: CacheSummary | null;
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function summarise(inputs: SummaryInputs): Summary {
  const { recorder, graph } = inputs;
  const rows = recorder.rows;
  let successes = 0;
  let failedOver = 0;
  let failovers = 0;
  let continuations = 0;
  let streams = 0;
  let cost = 0;
  let maxAttempts = 0;
  let attempts = 0;
  const errorsByKind: Record<string, number> = {};
  const latencies = new Float64Array(rows.length);
  const ttfts: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    latencies[i] = r.latencyMs;
    if (r.ok) successes++;
    else errorsByKind[r.errorKind ?? "error"] = (errorsByKind[r.errorKind ?? "error"] ?? 0) + 1;
    if (r.failovers > 0) failedOver++;
    failovers += r.failovers;
    continuations += r.continuations;
    if (r.stream) streams++;
    if (r.ok && r.ttftMs !== null) ttfts.push(r.ttftMs);
    cost += r.costUsd;
    attempts += r.attempts;
    if (r.attempts > maxAttempts) maxAttempts = r.attempts;
  }
  const modelNames = graph.models.map((m) => m.name);
  const models: ModelRow[] = graph.models.map((m) => {
    const t = recorder.tally(m.name);
    return {
      name: m.name,
      provider: m.provider,
      served: t.served,
      attempted: t.attempted,
      failed: t.failed,
      failedByClass: sortedRecord(t.failedByClass),
      skipped: sortedRecord(t.skipped),
    };
  });
  const roundP = (p: Percentiles): Percentiles => ({
    p50: roundOrNull(p.p50, 1),
    p95: roundOrNull(p.p95, 1),
    p99: roundOrNull(p.p99, 1),
  });
  return {
    policy: inputs.policy,
    scenario: inputs.scenario,
    seed: inputs.seed,
    durationMs: inputs.durationMs,
    totals: {
      requests: rows.length,
      successes,
      successRate: rows.length === 0 ? 0 : round(successes / rows.length, 6),
      failures: rows.length - successes,
      failedOver,
      failovers,
      continuations,
      streams,
      errorsByKind: sortedRecord(errorsByKind),
      costUsd: roundUsd(cost),
      maxAttempts,
      meanAttempts: rows.length === 0 ? 0 : round(attempts / rows.length, 3),
    },
    latencyMs: roundP(sortedPercentiles(latencies.sort())),
    ttftMs: roundP(percentiles(ttfts)),
    models,
    breakers: recorder.breakers.map((b) => ({ ...b, at: round(b.at, 3) })),
    expectations: inputs.expectations,
    passed: inputs.expectations.every((e) => e.passed),
    series: timeSeries(rows, inputs.durationMs, modelNames),
    ...(inputs.cache ? { cache: inputs.cache } : {}),
  };
}
