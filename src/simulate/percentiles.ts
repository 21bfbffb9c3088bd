// Nearest-rank percentiles over a typed array sorted once; the summary and the time series both
// ask for p50/p95/p99 of the same kind of sample.

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export function percentiles(values: ArrayLike<number>): Percentiles {
  return sortedPercentiles(Float64Array.from(values).sort());
}

/** Percentiles of values already sorted ascending (a run's rows are many: no second copy). */
export function sortedPercentiles(sorted: Float64Array): Percentiles {
  const n = sorted.length;
  if (n === 0) return { p50: null, p95: null, p99: null };
  const at = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/** Rounds for stable, readable output: the JSON must not change with float noise. */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function roundOrNull(x: number | null, digits = 3): number | null {
  return x === null ? null : round(x, digits);
}
