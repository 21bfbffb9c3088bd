// Checks the scenario's expectations against what the run recorded. Each result carries the
// measured value next to the target so a failure says by how much, not just that it failed.
import { percentiles, round } from "./percentiles.ts";
import type { BreakerEvent, Recorder, RequestRow } from "./recorder.ts";
import type { Expectation, FaultWindow } from "./scenario-types.ts";
import type { AccessCounters } from "../runtime/api.ts";
import { boundsText, formatMs, formatShare } from "./format.ts";
import { checkCache, describeCacheCheck, type CacheSummary } from "./cache-report.ts";
import { describeClusterCheck, probesCheck, servedCheck, type ProbeEvent } from "./cluster-checks.ts";

export interface ExpectationResult {
  check: string; // e.g. `p95_latency below 2s`
  passed: boolean;
  measured: string;
  detail: string | null;
}

export interface ExpectationInputs {
  recorder: Recorder;
  /** Fault windows touching each model (its own and its provider's). */
  faultsOf: (model: string) => FaultWindow[];
  knownModels: ReadonlySet<string>;
  /** Usage of each declared key and team at the end of the run, by `key:<name>` / `team:<name>`. */
  access?: ReadonlyMap<string, AccessCounters>;
  /** The response cache's counters at the end of the run; null when no rule caches. */
  cache?: CacheSummary | null;
  /** Half-open probes that reached an upstream, in time order, from every instance. */
  probes?: readonly ProbeEvent[];
  /** A model's breaker cool-down (for `probes_per_cooldown`). */
  cooldownMs?: (model: string) => number;
}

export function checkExpectations(list: readonly Expectation[], inputs: ExpectationInputs): ExpectationResult[] {
  return list.map((e) => checkOne(e, inputs));
}

function checkOne(e: Expectation, inputs: ExpectationInputs): ExpectationResult {
  const rows = inputs.recorder.rows;
  if ("model" in e && !inputs.knownModels.has(e.model)) {
    return {
      check: describe(e),
      passed: false,
      measured: "n/a",
      detail: `\`${e.model}\` is not a model of this policy`,
    };
  }
  switch (e.check) {
    case "success_rate": {
      const rate = rows.length === 0 ? 0 : rows.filter((r) => r.ok).length / rows.length;
      return {
        check: describe(e),
        passed: rows.length > 0 && rate >= e.atLeast,
        measured: formatShare(rate),
        detail: rows.length === 0 ? "no requests were sent" : null,
      };
    }
    case "latency": {
      const values =
        e.metric === "latency"
          ? rows.map((r) => r.latencyMs)
          : rows.flatMap((r) => (r.ok && r.ttftMs !== null ? [r.ttftMs] : []));
      const p = percentiles(values)[`p${e.percentile}`];
      return {
        check: describe(e),
        passed: p !== null && p < e.belowMs,
        measured: p === null ? "no samples" : formatMs(p),
        detail: null,
      };
    }
    case "attempts_per_request": {
      let worst = 0;
      for (const r of rows) if (r.attempts > worst) worst = r.attempts;
      return { check: describe(e), passed: worst <= e.atMost, measured: `max ${worst}`, detail: null };
    }
    case "share":
      return shareCheck(e, rows);
    case "breaker_respected": {
      const bad = inputs.recorder.attemptsWhileOpen.filter((a) => a.model === e.model);
      const first = bad[0];
      return {
        check: describe(e),
        passed: bad.length === 0,
        measured: `${bad.length} attempts while open`,
        detail: first ? `first at ${formatMs(first.at)} (request ${first.requestId})` : null,
      };
    }
    case "breaker_opens":
      return opensCheck(e, inputs.recorder.breakers, inputs.faultsOf(e.model));
    case "recovers":
      return recoversCheck(e, rows, inputs.faultsOf(e.model));
    case "spend":
    case "refused":
      return accessCheck(e, inputs.access);
    case "cache_hit_rate":
    case "cache_saved":
      return { check: describe(e), ...checkCache(e, inputs.cache ?? null) };
    case "served":
      return { check: describe(e), detail: null, ...servedCheck(e, rows) };
    case "probes_per_cooldown":
      return { check: describe(e), ...probesCheck(e, inputs.probes ?? [], inputs.cooldownMs?.(e.model) ?? 30_000) };
  }
}

function accessCheck(
  e: Extract<Expectation, { check: "spend" | "refused" }>,
  access: ReadonlyMap<string, AccessCounters> | undefined,
): ExpectationResult {
  const c = access?.get(`${e.owner.scope}:${e.owner.name}`);
  if (c === undefined)
    return {
      check: describe(e),
      passed: false,
      measured: "n/a",
      detail: `\`${e.owner.name}\` is not a ${e.owner.scope} of this policy`,
    };
  const value = e.check === "spend" ? c.costUsd : c.refused;
  const passed = (e.atLeast === null || value >= e.atLeast) && (e.atMost === null || value <= e.atMost);
  return {
    check: describe(e),
    passed,
    measured: e.check === "spend" ? formatUsd(value) : `${value} refused of ${value + c.requests}`,
    detail: null,
  };
}

function formatUsd(n: number): string {
  return `$${n.toFixed(n < 1 ? 4 : 2)}`;
}

function shareCheck(e: Extract<Expectation, { check: "share" }>, rows: readonly RequestRow[]): ExpectationResult {
  let total = 0;
  let mine = 0;
  for (const r of rows) {
    if (r.arrivedAt < e.fromMs || r.arrivedAt >= e.toMs) continue;
    total++;
    if (r.ok && r.servedModel === e.model) mine++;
  }
  const share = total === 0 ? 0 : mine / total;
  const passed = total > 0 && (e.atLeast === null || share >= e.atLeast) && (e.atMost === null || share <= e.atMost);
  return {
    check: describe(e),
    passed,
    measured: `${formatShare(share)} of ${total}`,
    detail: total === 0 ? "no requests arrived in the window" : null,
  };
}

function opensCheck(
  e: Extract<Expectation, { check: "breaker_opens" }>,
  events: readonly BreakerEvent[],
  faults: FaultWindow[],
): ExpectationResult {
  if (faults.length === 0)
    return {
      check: describe(e),
      passed: false,
      measured: "n/a",
      detail: `the scenario has no fault window for \`${e.model}\` or its provider`,
    };
  let worst = 0;
  for (const f of faults) {
    const opened = events.find(
      (b) => b.model === e.model && b.to === "open" && b.at >= f.atMs && b.at < f.atMs + f.forMs,
    );
    if (opened === undefined)
      return {
        check: describe(e),
        passed: false,
        measured: "never opened",
        detail: `during the fault starting at ${formatMs(f.atMs)}`,
      };
    worst = Math.max(worst, opened.at - f.atMs);
  }
  return { check: describe(e), passed: worst <= e.withinMs, measured: `after ${formatMs(worst)}`, detail: null };
}

function recoversCheck(
  e: Extract<Expectation, { check: "recovers" }>,
  rows: readonly RequestRow[],
  faults: FaultWindow[],
): ExpectationResult {
  const ending = faults.filter((f) => Number.isFinite(f.forMs));
  if (ending.length === 0)
    return {
      check: describe(e),
      passed: false,
      measured: "n/a",
      detail: `no fault window for \`${e.model}\` ends during the run`,
    };
  let worst = 0;
  for (const f of ending) {
    const end = f.atMs + f.forMs;
    // Rows are in arrival order; the first one served by the model after the fault ended.
    const back = rows.find((r) => r.arrivedAt >= end && r.ok && r.servedModel === e.model);
    if (back === undefined)
      return {
        check: describe(e),
        passed: false,
        measured: "never recovered",
        detail: `after the fault ending at ${formatMs(end)}`,
      };
    worst = Math.max(worst, back.arrivedAt - end);
  }
  return {
    check: describe(e),
    passed: worst <= e.withinMs,
    measured: `after ${formatMs(round(worst, 1))}`,
    detail: null,
  };
}

export function describe(e: Expectation): string {
  switch (e.check) {
    case "success_rate":
      return `success_rate at least ${formatShare(e.atLeast)}`;
    case "latency":
      return `p${e.percentile}_${e.metric} below ${formatMs(e.belowMs)}`;
    case "attempts_per_request":
      return `attempts_per_request at most ${e.atMost}`;
    case "share": {
      const bounds = boundsText(e.atLeast, e.atMost, formatShare);
      return `share of \`${e.model}\` in ${formatMs(e.fromMs)}–${formatMs(e.toMs)} ${bounds}`;
    }
    case "breaker_respected":
      return `no attempt reaches \`${e.model}\` while its breaker is open`;
    case "breaker_opens":
      return `breaker of \`${e.model}\` opens within ${formatMs(e.withinMs)} of each outage start`;
    case "recovers":
      return `\`${e.model}\` serves again within ${formatMs(e.withinMs)} of each outage end`;
    case "spend":
    case "refused": {
      const bounds = boundsText(e.atLeast, e.atMost, e.check === "spend" ? formatUsd : String);
      return `${e.owner.scope} \`${e.owner.name}\` ${e.check === "spend" ? "spends" : "has refused requests"} ${bounds}`;
    }
    case "cache_hit_rate":
    case "cache_saved":
      return describeCacheCheck(e);
    case "served":
    case "probes_per_cooldown":
      return describeClusterCheck(e);
  }
}
