// Per-bucket series for the HTML report: who served the traffic, how much of it failed, and how
// latency moved, on a fixed grid of about 60 buckets across the run.
import { roundOrNull, sortedPercentiles } from "./percentiles.ts";
import type { RequestRow } from "./recorder.ts";

export interface Bucket {
  startMs: number;
  requests: number;
  errors: number;
  servedBy: Record<string, number>;
  latency: { p50: number | null; p95: number | null; p99: number | null };
}

export interface Series {
  bucketMs: number;
  buckets: Bucket[];
}

const NICE_MS = [
  100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 21_600_000, 86_400_000,
];

export function bucketWidth(durationMs: number, target = 60): number {
  const raw = durationMs / target;
  return NICE_MS.find((n) => n >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

export function timeSeries(rows: readonly RequestRow[], durationMs: number, models: readonly string[]): Series {
  const bucketMs = bucketWidth(durationMs);
  const count = Math.max(1, Math.ceil(durationMs / bucketMs));
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    startMs: i * bucketMs,
    requests: 0,
    errors: 0,
    servedBy: Object.fromEntries(models.map((m) => [m, 0])),
    latency: { p50: null, p95: null, p99: null },
  }));
  // every latency in one typed array grouped by bucket (a counting sort), each group sorted in place
  const bucketOf = new Uint32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const i = Math.min(count - 1, Math.floor(r.arrivedAt / bucketMs));
    bucketOf[k] = i;
    const b = buckets[i]!;
    b.requests++;
    if (!r.ok) b.errors++;
    else if (r.servedModel !== null) b.servedBy[r.servedModel] = (b.servedBy[r.servedModel] ?? 0) + 1;
  }
  const starts = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) starts[i + 1] = starts[i]! + buckets[i]!.requests;
  const fill = starts.slice(0, count);
  const latencies = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) latencies[fill[bucketOf[k]!]!++] = rows[k]!.latencyMs;
  for (let i = 0; i < count; i++) {
    const p = sortedPercentiles(latencies.subarray(starts[i], starts[i + 1]).sort());
    buckets[i].latency = { p50: roundOrNull(p.p50, 1), p95: roundOrNull(p.p95, 1), p99: roundOrNull(p.p99, 1) };
  }
  return { bucketMs, buckets };
}
