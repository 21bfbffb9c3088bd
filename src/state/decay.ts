// Ages a snapshot to the moment the gateway starts again: time kept running while it was down,
// so whatever would have expired in the meantime expires now. Pure: returns a new state.
import type { BreakerState, QuotaState, RuntimeState, WindowState } from "../runtime/api.ts";
import { currentWindowStart, parseQuotaKey, windowEnd } from "./quota-window.ts";
import type { DecayTiming } from "./timing.ts";

/**
 * - window buckets that ended before `now - window` are dropped; EWMAs are kept;
 * - quota counters whose window ended are reset to 0 in the current window, and an upstream
 *   "quota spent" block whose end time passed is lifted;
 * - an open breaker whose cool-down passed becomes half-open with no probes yet;
 * - a half-open breaker's in-flight probes died with the old process, so they reset to 0.
 */
export function decayState(state: RuntimeState, now: number, timing: DecayTiming): RuntimeState {
  return {
    breakers: mapValues(state.breakers, (b, key) => decayBreaker(b, now, timing.cooldownMs(key))),
    windows: mapValues(state.windows, (w, model) => decayWindow(w, now, timing.windowMs(model))),
    quotas: mapValues(state.quotas, (q, key) => decayQuota(q, key, now)),
    cursors: { ...state.cursors },
    sticky: { ...state.sticky },
    counters: mapValues(state.counters, (c) => ({ ...c })),
    ...(state.access ? { access: mapValues(state.access, (c) => ({ ...c })) } : {}),
  };
}

export function decayBreaker(b: BreakerState, now: number, cooldownMs: number): BreakerState {
  if (b.phase === "open" && b.openedAt !== null && now - b.openedAt >= cooldownMs) {
    return { ...b, phase: "half_open", probesInFlight: 0, probeSuccesses: 0 };
  }
  if (b.phase === "half_open") return { ...b, probesInFlight: 0 };
  return { ...b };
}

export function decayWindow(w: WindowState, now: number, windowMs: number): WindowState {
  const horizon = now - windowMs;
  return {
    ...w,
    buckets: w.buckets.filter((bucket) => bucket.start + w.bucketMs > horizon).map((bucket) => ({ ...bucket })),
  };
}

export function decayQuota(q: QuotaState, key: string, now: number): QuotaState {
  const parsed = parseQuotaKey(key);
  if (!parsed) return { ...q };
  if (parsed.kind === "upstream_block") return now >= q.windowStart ? { ...q, used: 0 } : { ...q };
  // -Infinity: the engine's "never counted yet"; nothing to reset.
  if (!Number.isFinite(q.windowStart) || now < windowEnd(q.windowStart, parsed.window)) return { ...q };
  return { windowStart: currentWindowStart(parsed.window, now), used: 0 };
}

function mapValues<T>(record: Record<string, T>, fn: (value: T, key: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) out[key] = fn(value, key);
  return out;
}
