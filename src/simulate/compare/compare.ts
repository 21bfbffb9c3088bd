// `--compare`: the same scenario, seed and traffic through two policies on the real engine, each
// request's upstream luck tied to the request (alignedUpstream), then the runs side by side: the
// metrics people gate a change on, each model's share of served requests, and the requests whose
// outcome differs, matched by request number, with both attempt trails.
import type { Graph } from "../../compile/graph.ts";
import type { RequestRow } from "../recorder.ts";
import { runScenario } from "../run.ts";
import type { Scenario } from "../scenario-types.ts";
import type { Summary } from "../summary.ts";
import { round } from "../percentiles.ts";
import { METRICS, type MetricName } from "./metrics.ts";

export interface PolicyRun {
  graph: Graph;
  /** How the policy is named in the output (its file path). */
  name: string;
}

export interface CompareOptions {
  old: PolicyRun;
  new: PolicyRun;
  scenario: Scenario;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** How many differing requests to keep with their trails. */
  diffs: number;
}

export interface MetricRow {
  metric: MetricName;
  old: number | null;
  new: number | null;
  /** new − old, or null when either side was not measured. */
  delta: number | null;
}

export interface ShareRow {
  model: string;
  old: number;
  new: number;
}

/** What one request did under one policy. */
export interface RequestSide {
  ok: boolean;
  status: number;
  servedModel: string | null;
  errorKind: string | null;
  latencyMs: number;
  /** Attempts as `model:status`, in order. */
  trail: string;
  /** Candidates passed over without a call, as `model (reason)`. */
  skipped: string[];
}

export interface DiffRow {
  seq: number;
  arrivedAt: number;
  route: string;
  stream: boolean;
  old: RequestSide;
  new: RequestSide;
}

export interface Comparison {
  scenario: string;
  seed: number;
  durationMs: number;
  requests: number;
  old: Summary;
  new: Summary;
  metrics: MetricRow[];
  /** Each model's share of all requests served by it, for models that served any. */
  shares: ShareRow[];
  /** How many requests ended differently (success, status or served model). */
  differing: number;
  /** The differing requests by kind of difference. */
  changes: Record<ChangeKind, number>;
  /** Up to `diffs` of them: the ones that fail only under the new policy first, then the other kinds, each in arrival order. */
  diffs: DiffRow[];
}

/** How a request's outcome changed, most serious first. */
export const CHANGE_KINDS = ["fails_only_new", "fails_only_old", "other_status", "other_model"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export async function comparePolicies(opts: CompareOptions): Promise<Comparison> {
  const runOf = (p: PolicyRun) =>
    runScenario({
      graph: p.graph,
      scenario: opts.scenario,
      policyName: p.name,
      seed: opts.seed,
      trails: true,
      alignedUpstream: true,
    });
  // one after the other: each run owns its virtual clock, and two would only share one core
  const oldRun = await runOf(opts.old);
  const newRun = await runOf(opts.new);
  const { differing, changes, diffs } = differingRequests(oldRun.rows, newRun.rows, opts.diffs);
  return {
    scenario: oldRun.summary.scenario,
    seed: oldRun.summary.seed,
    durationMs: oldRun.summary.durationMs,
    requests: oldRun.rows.length,
    old: oldRun.summary,
    new: newRun.summary,
    metrics: METRICS.map(({ name, of }) => metricRow(name, of(oldRun.summary), of(newRun.summary))),
    shares: shares(oldRun.summary, newRun.summary),
    differing,
    changes,
    diffs,
  };
}

function metricRow(metric: MetricName, oldValue: number | null, newValue: number | null): MetricRow {
  const delta = oldValue === null || newValue === null ? null : round(newValue - oldValue, 6);
  return { metric, old: oldValue, new: newValue, delta };
}

function shares(a: Summary, b: Summary): ShareRow[] {
  const served = (s: Summary) => new Map(s.models.filter((m) => m.served > 0).map((m) => [m.name, m.served]));
  const servedA = served(a);
  const servedB = served(b);
  const shareOf = (n: number | undefined, s: Summary) =>
    s.totals.requests === 0 ? 0 : round((n ?? 0) / s.totals.requests, 6);
  const names = [...new Set([...servedA.keys(), ...servedB.keys()])];
  return names.map((model) => ({ model, old: shareOf(servedA.get(model), a), new: shareOf(servedB.get(model), b) }));
}

/** Rows matched by request number: both runs played the same traffic, so the numbers line up. */
function differingRequests(
  a: RequestRow[],
  b: RequestRow[],
  keep: number,
): { differing: number; changes: Record<ChangeKind, number>; diffs: DiffRow[] } {
  if (a.length !== b.length || a.some((r, i) => r.seq !== b[i]!.seq))
    throw new Error(`the two runs saw different traffic (${a.length} and ${b.length} requests)`);
  const changes = Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>;
  const kept = Object.fromEntries(CHANGE_KINDS.map((k) => [k, [] as DiffRow[]])) as Record<ChangeKind, DiffRow[]>;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const kind = changeOf(x, y);
    if (kind === null) continue;
    changes[kind]++;
    if (kept[kind].length < keep)
      kept[kind].push({
        seq: x.seq,
        arrivedAt: x.arrivedAt,
        route: x.route,
        stream: x.stream,
        old: side(x),
        new: side(y),
      });
  }
  const differing = CHANGE_KINDS.reduce((n, k) => n + changes[k], 0);
  return { differing, changes, diffs: CHANGE_KINDS.flatMap((k) => kept[k]).slice(0, keep) };
}

function changeOf(x: RequestRow, y: RequestRow): ChangeKind | null {
  if (x.ok !== y.ok) return x.ok ? "fails_only_new" : "fails_only_old";
  if (x.status !== y.status) return "other_status";
  if (x.servedModel !== y.servedModel) return "other_model";
  return null;
}

function side(r: RequestRow): RequestSide {
  return {
    ok: r.ok,
    status: r.status,
    servedModel: r.servedModel,
    errorKind: r.errorKind,
    latencyMs: round(r.latencyMs, 3),
    trail: r.trail?.final ?? "",
    skipped: (r.trail?.skipped ?? []).map((k) => `${k.model} (${k.reason})`),
  };
}
