// Where a snapshot's counters sit among the counters a server reported over time. Every counter
// only grows while a gateway runs, so a state captured at any instant lies between the reports
// taken just before and just after that instant, field by field and for every model at once.
import type { ModelCounters } from "../../src/runtime/api.ts";

export type Counters = Record<string, ModelCounters>;

const FIELDS = ["requests", "successes", "failures", "tokensIn", "tokensOut", "costUsd"] as const;
const ZERO: ModelCounters = { requests: 0, successes: 0, failures: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };

/** `low` ≤ `high` in every field of every model (a model absent on one side counts as zero). */
export function atMost(low: Counters, high: Counters): boolean {
  for (const model of new Set([...Object.keys(low), ...Object.keys(high)])) {
    const a = low[model] ?? ZERO;
    const b = high[model] ?? ZERO;
    if (FIELDS.some((f) => a[f] > b[f])) return false;
  }
  return true;
}

function total(counters: Counters, pick: (c: ModelCounters) => number): number {
  return Object.values(counters).reduce((sum, c) => sum + pick(c), 0);
}

/** At most `attempts` more attempts started and at most `attempts` more ended than in `base`. */
export function withinOneRequest(base: Counters, later: Counters, attempts: number): boolean {
  const started = total(later, (c) => c.requests) - total(base, (c) => c.requests);
  const ended = total(later, (c) => c.successes + c.failures) - total(base, (c) => c.successes + c.failures);
  return atMost(base, later) && started <= attempts && ended <= attempts;
}

/**
 * The index `j` with `reports[j] ≤ snap ≤ reports[j + 1]`; past the last report (the request in
 * flight when the server died was never reported) `snap` may be ahead of it by one request of at
 * most `attempts` attempts. Null when `snap` fits nowhere: it was never the server's state.
 */
export function placeAmong(snap: Counters, reports: readonly Counters[], attempts: number): number | null {
  for (let j = 0; j < reports.length; j++) {
    if (!atMost(reports[j], snap)) continue;
    const next = reports[j + 1];
    if (next ? atMost(snap, next) : withinOneRequest(reports[j], snap, attempts)) return j;
  }
  return null;
}
