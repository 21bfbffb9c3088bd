// Rolling per-model measurements: success/failure buckets for the breaker's error-rate rule and
// EWMAs (latency, time to first token, tokens/s) that the lowest_latency strategy ranks by.
import type { WindowState } from "../api.ts";

const BUCKETS_PER_WINDOW = 10;
const EWMA_ALPHA = 0.2;

export function freshWindow(): WindowState {
  return { bucketMs: 0, buckets: [], latencyEwmaMs: null, ttftEwmaMs: null, tokensPerSecEwma: null };
}

function prune(w: WindowState, now: number, windowMs: number): void {
  const oldest = now - windowMs;
  let drop = 0;
  while (drop < w.buckets.length && w.buckets[drop]!.start + w.bucketMs <= oldest) drop++;
  if (drop > 0) w.buckets.splice(0, drop);
}

export function recordResult(w: WindowState, now: number, ok: boolean, windowMs: number): void {
  const bucketMs = Math.max(1, Math.floor(windowMs / BUCKETS_PER_WINDOW));
  if (w.bucketMs !== bucketMs) {
    w.bucketMs = bucketMs;
    w.buckets = [];
  }
  prune(w, now, windowMs);
  const start = Math.floor(now / bucketMs) * bucketMs;
  let last = w.buckets[w.buckets.length - 1];
  if (last === undefined || last.start !== start) {
    last = { start, ok: 0, fail: 0 };
    w.buckets.push(last);
  }
  if (ok) last.ok++;
  else last.fail++;
}

export function errorRate(w: WindowState, now: number, windowMs: number): { total: number; rate: number } {
  prune(w, now, windowMs);
  let ok = 0;
  let fail = 0;
  for (const b of w.buckets) {
    ok += b.ok;
    fail += b.fail;
  }
  const total = ok + fail;
  return { total, rate: total === 0 ? 0 : fail / total };
}

const ewma = (prev: number | null, x: number): number => (prev === null ? x : prev + EWMA_ALPHA * (x - prev));

/** `outputTokens` 0: nothing to measure a generation speed from (see AttemptHandle.streamed). */
export function recordTiming(w: WindowState, durationMs: number, ttftMs: number | null, outputTokens: number): void {
  w.latencyEwmaMs = ewma(w.latencyEwmaMs, durationMs);
  if (ttftMs !== null) w.ttftEwmaMs = ewma(w.ttftEwmaMs, ttftMs);
  const genMs = durationMs - (ttftMs ?? 0);
  if (outputTokens > 0 && genMs > 0) w.tokensPerSecEwma = ewma(w.tokensPerSecEwma, (outputTokens * 1000) / genMs);
}
