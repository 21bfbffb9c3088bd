// The report's part for `instances:` runs: a row per instance (what the load balancer sent it,
// what it served, its probes, whether it was in touch with the store at the end) and, per request
// quota of a model, the most requests the model served in one quota window against the limit, so
// the overshoot N instances cause (or avoid, when they share) is in plain view.
import type { Graph } from "../compile/graph.ts";
import type { WindowUnit } from "../syntax/vocabulary.ts";
import { windowBounds } from "../syntax/vocabulary.ts";
import type { Cluster } from "./instances.ts";
import type { RequestRow } from "./recorder.ts";

export interface InstanceRow {
  instance: number;
  requests: number;
  served: number;
  failedOver: number;
  probes: number;
  /** `up`/`degraded`: in touch with the shared store at the end, or not; `alone`: not sharing. */
  store: "up" | "degraded" | "alone";
}

export interface QuotaPeak {
  model: string;
  limit: number;
  window: WindowUnit;
  /** The most requests the model served in one window, cluster-wide. */
  peak: number;
  /** When that window started, in ms from the run start. */
  windowAtMs: number;
}

export interface InstancesReport {
  count: number;
  propagationMs: number;
  balance: string;
  shared: boolean;
  rows: InstanceRow[];
  quotas: QuotaPeak[];
}

export function instancesReport(
  cluster: Cluster,
  graph: Graph,
  rows: readonly RequestRow[],
  origin: number,
): InstancesReport | undefined {
  const spec = cluster.spec;
  if (spec === undefined) return undefined;
  return {
    count: spec.count,
    propagationMs: spec.propagationMs,
    balance: spec.balance,
    shared: spec.shared,
    rows: cluster.instances.map((i) => ({
      instance: i.number,
      ...i.tally,
      store: i.sync === null ? "alone" : i.sync.up ? "up" : "degraded",
    })),
    quotas: quotaPeaks(graph, rows, origin),
  };
}

/** Per model `requests` quota, the fullest window: served requests counted by arrival. */
function quotaPeaks(graph: Graph, rows: readonly RequestRow[], origin: number): QuotaPeak[] {
  const out: QuotaPeak[] = [];
  for (const m of graph.models) {
    for (const limit of m.limits) {
      if (limit.metric !== "requests") continue;
      const perWindow = new Map<number, number>();
      for (const r of rows) {
        if (!r.ok || r.servedModel !== m.name) continue;
        const start = windowBounds(limit.window, origin + r.arrivedAt)[0];
        perWindow.set(start, (perWindow.get(start) ?? 0) + 1);
      }
      let peak = 0;
      let at = origin;
      for (const [start, n] of perWindow) if (n > peak) [peak, at] = [n, start];
      out.push({ model: m.name, limit: limit.amount, window: limit.window, peak, windowAtMs: at - origin });
    }
  }
  return out;
}
