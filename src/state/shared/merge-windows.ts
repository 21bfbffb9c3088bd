// Error-rate windows and latency EWMAs merged across instances. Relaxed on purpose: each instance
// publishes its own window every sync interval, and a reader adds up the buckets it sees (so the
// cluster's error rate lags by at most one interval) and averages the EWMAs weighted by each
// instance's sample count in the window (an EWMA of EWMAs is not an EWMA of the merged stream, but
// it ranks models the same way when instances see similar traffic). An instance that stopped
// publishing drops out once its last publish is older than the window.
import type { WindowState } from "../../runtime/api.ts";
import type { SharedWindow } from "../../runtime/ports.ts";

function samples(w: { buckets: { ok: number; fail: number }[] }): number {
  let n = 0;
  for (const b of w.buckets) n += b.ok + b.fail;
  return n;
}

function weightedMean(parts: { value: number | null; weight: number }[]): number | null {
  let sum = 0;
  let weight = 0;
  for (const p of parts) {
    if (p.value === null) continue;
    const w = Math.max(1, p.weight); // an EWMA with no recent samples still counts a little
    sum += p.value * w;
    weight += w;
  }
  return weight === 0 ? null : sum / weight;
}

/** This instance's `local` window with the `others`' (this instance's own entry among them is ignored). */
export function mergeWindows(
  local: WindowState,
  others: readonly SharedWindow[],
  self: string,
  now: number,
  windowMs: number,
): WindowState {
  const fresh = others.filter((w) => w.instance !== self && now - w.at <= windowMs && w.bucketMs === local.bucketMs);
  if (fresh.length === 0) return local;
  const byStart = new Map<number, { start: number; ok: number; fail: number }>();
  for (const w of [local, ...fresh]) {
    for (const b of w.buckets) {
      if (b.start + local.bucketMs <= now - windowMs) continue;
      const sum = byStart.get(b.start) ?? { start: b.start, ok: 0, fail: 0 };
      sum.ok += b.ok;
      sum.fail += b.fail;
      byStart.set(b.start, sum);
    }
  }
  const all = [local, ...fresh];
  const mean = (pick: (w: WindowState | SharedWindow) => number | null): number | null =>
    weightedMean(all.map((w) => ({ value: pick(w), weight: samples(w) })));
  return {
    bucketMs: local.bucketMs,
    buckets: [...byStart.values()].sort((a, b) => a.start - b.start),
    latencyEwmaMs: mean((w) => w.latencyEwmaMs),
    ttftEwmaMs: mean((w) => w.ttftEwmaMs),
    tokensPerSecEwma: mean((w) => w.tokensPerSecEwma),
  };
}
