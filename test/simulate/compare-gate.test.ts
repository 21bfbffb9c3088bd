// `--fail-on` judged at its edges: the 0.1-point tolerance of a bare rate gate, a percent rise
// exactly at and just past its allowance, a rise from zero, and a metric one run did not measure.
import { describe, expect, test } from "bun:test";
import type { Comparison, MetricRow } from "../../src/simulate/compare/compare.ts";
import { judgeGates, parseGates } from "../../src/simulate/compare/gate.ts";

function judged(spec: string, row: Omit<MetricRow, "delta">) {
  const parsed = parseGates(spec);
  if (!parsed.ok) throw new Error(parsed.error);
  // the judge reads only the metric rows
  const c = { metrics: [{ ...row, delta: null }] } as unknown as Comparison;
  return judgeGates(parsed.gates, c)[0]!;
}

describe("--fail-on judgement", () => {
  test("bare `success` tolerates a 0.1-point drop and fails past it", () => {
    expect(judged("success", { metric: "success", old: 1, new: 0.999 }).failed).toBe(false);
    const r = judged("success", { metric: "success", old: 1, new: 0.9985 });
    expect(r.failed).toBe(true);
    expect(r.message).toBe("success: 99.85% is 0.15 points below 100% (allowed: a drop of 0.1 points)");
  });

  test("`success-0.5%` allows half a point", () => {
    expect(judged("success-0.5%", { metric: "success", old: 0.99, new: 0.986 }).failed).toBe(false);
    expect(judged("success-0.5%", { metric: "success", old: 0.99, new: 0.984 }).failed).toBe(true);
  });

  test("`cost+10%` passes at exactly 10% and fails just past it; a rise from zero fails", () => {
    expect(judged("cost+10%", { metric: "cost", old: 2, new: 2.2 }).failed).toBe(false);
    const over = judged("cost+10%", { metric: "cost", old: 2, new: 2.21 });
    expect(over.failed).toBe(true);
    expect(over.message).toBe("cost+10%: $2.21 is 10.5% above $2.00 (allowed: a rise of 10%)");
    expect(judged("cost", { metric: "cost", old: 0, new: 0.01 }).failed).toBe(true);
    expect(judged("cost", { metric: "cost", old: 0, new: 0 }).failed).toBe(false);
  });

  test("a metric one run did not measure is skipped, not failed", () => {
    const r = judged("ttft_p95", { metric: "ttft_p95", old: 300, new: null });
    expect(r).toEqual({
      gate: "ttft_p95",
      failed: false,
      judged: false,
      message: "ttft_p95: not measured in both runs",
    });
  });

  test("names are case-sensitive words; a typo gets the closest name", () => {
    const r = parseGates("sucess");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("did you mean `success`?");
  });
});
