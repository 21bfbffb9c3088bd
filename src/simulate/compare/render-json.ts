// `--compare --json`: the comparison as data, stable for the same policies, scenario and seed (no
// wall-clock times, rounded numbers). The full per-run summaries stay with plain `simulate --json`.
import type { Comparison } from "./compare.ts";
import type { GateResult } from "./gate.ts";

export function renderCompareJson(c: Comparison, gates: readonly GateResult[]): string {
  const doc = {
    scenario: c.scenario,
    seed: c.seed,
    durationMs: c.durationMs,
    requests: c.requests,
    policies: { old: c.old.policy, new: c.new.policy },
    metrics: c.metrics,
    shares: c.shares,
    differing: c.differing,
    changes: c.changes,
    diffs: c.diffs,
    gates,
    failed: gates.some((g) => g.failed),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
