// Expectation checks on hand-made recordings: boundaries, the measured values they report, and
// the cases where there is nothing to measure.
import { describe, expect, test } from "bun:test";
import { checkExpectations } from "../../src/simulate/expectations.ts";
import { Recorder, type RequestRow } from "../../src/simulate/recorder.ts";
import type { Expectation, FaultWindow } from "../../src/simulate/scenario-types.ts";

function row(seq: number, at: number, servedModel: string | null, ok = true, latencyMs = 100): RequestRow {
  return {
    seq,
    arrivedAt: at,
    route: "chat",
    stream: false,
    ok,
    status: ok ? 200 : 503,
    errorKind: ok ? null : "server",
    servedModel,
    attempts: 1,
    failovers: 0,
    continuations: 0,
    latencyMs,
    ttftMs: null,
    costUsd: 0,
  };
}

const outage: FaultWindow = {
  atMs: 10_000,
  forMs: 20_000,
  fault: "status",
  status: 503,
  retryAfterMs: null,
  retryAfterDate: false,
  delayMs: 0,
  tokens: 0,
  share: 1,
};

function check(e: Expectation, recorder: Recorder, faults: FaultWindow[] = [outage]) {
  return checkExpectations([e], { recorder, faultsOf: () => faults, knownModels: new Set(["a", "b"]) })[0];
}

describe("expectations", () => {
  test("success rate and latency percentiles compare against their bounds", () => {
    const r = new Recorder(0);
    for (let i = 0; i < 100; i++) r.record(row(i, i * 100, "a", i !== 0, i + 1));
    expect(check({ check: "success_rate", atLeast: 0.99 }, r)).toMatchObject({ passed: true, measured: "99%" });
    expect(check({ check: "success_rate", atLeast: 0.995 }, r).passed).toBe(false);
    expect(check({ check: "latency", metric: "latency", percentile: 95, belowMs: 96 }, r)).toMatchObject({
      passed: true,
      measured: "95ms",
    });
    expect(check({ check: "latency", metric: "latency", percentile: 95, belowMs: 95 }, r).passed).toBe(false);
    expect(check({ check: "latency", metric: "ttft", percentile: 50, belowMs: 1 }, r)).toMatchObject({
      passed: false,
      measured: "no samples",
    });
  });

  test("share counts only requests arriving in the window", () => {
    const r = new Recorder(0);
    r.record(row(0, 0, "a"));
    r.record(row(1, 5_000, "b"));
    r.record(row(2, 6_000, "b"));
    r.record(row(3, 7_000, null, false));
    expect(
      check({ check: "share", model: "b", fromMs: 5_000, toMs: 8_000, atLeast: 0.6, atMost: null }, r),
    ).toMatchObject({ passed: true, measured: "66.67% of 3" });
    expect(
      check({ check: "share", model: "b", fromMs: 50_000, toMs: 60_000, atLeast: null, atMost: 0.1 }, r),
    ).toMatchObject({ passed: false, detail: "no requests arrived in the window" });
  });

  test("breaker_opens measures from the start of each fault window", () => {
    const r = new Recorder(0);
    r.observer.breaker!("a", "closed", "open", 12_500);
    expect(check({ check: "breaker_opens", model: "a", withinMs: 3_000 }, r)).toMatchObject({
      passed: true,
      measured: "after 2.5s",
    });
    expect(check({ check: "breaker_opens", model: "a", withinMs: 2_000 }, r).passed).toBe(false);
    expect(check({ check: "breaker_opens", model: "b", withinMs: 2_000 }, new Recorder(0))).toMatchObject({
      passed: false,
      measured: "never opened",
    });
    expect(check({ check: "breaker_opens", model: "a", withinMs: 2_000 }, r, []).detail).toContain("no fault window");
  });

  test("recovers measures until the model serves again after the window ends", () => {
    const r = new Recorder(0);
    r.record(row(0, 29_000, "b"));
    r.record(row(1, 31_000, "b"));
    r.record(row(2, 34_000, "a", false));
    r.record(row(3, 36_000, "a"));
    expect(check({ check: "recovers", model: "a", withinMs: 6_000 }, r)).toMatchObject({
      passed: true,
      measured: "after 6s",
    });
    expect(check({ check: "recovers", model: "a", withinMs: 5_000 }, r).passed).toBe(false);
    expect(
      check({ check: "recovers", model: "a", withinMs: 5_000 }, r, [{ ...outage, forMs: Infinity }]).detail,
    ).toContain("ends during the run");
  });

  test("breaker_respected flags attempts started while open, not at the opening instant", () => {
    const r = new Recorder(0);
    const meta = { id: "x" } as Parameters<NonNullable<Recorder["observer"]["attempt"]>>[0];
    const attempt = (at: number) =>
      r.observer.attempt!(meta, {
        model: "a",
        provider: "p",
        status: 200,
        cls: "ok",
        startedAt: at,
        durationMs: 5,
        ttftMs: null,
        message: null,
      });
    r.observer.breaker!("a", "closed", "open", 1_000);
    attempt(1_000); // the same instant: given the benefit of the doubt
    r.observer.breaker!("a", "open", "half_open", 5_000);
    attempt(5_000); // the probe
    expect(check({ check: "breaker_respected", model: "a" }, r).passed).toBe(true);
    attempt(3_000); // recorded late (attempts report when they end) but started while open
    expect(check({ check: "breaker_respected", model: "a" }, r)).toMatchObject({
      passed: false,
      measured: "1 attempts while open",
    });
  });

  test("a model the policy lacks fails with a reason instead of passing vacuously", () => {
    expect(check({ check: "breaker_respected", model: "zzz" }, new Recorder(0))).toMatchObject({
      passed: false,
      detail: "`zzz` is not a model of this policy",
    });
  });
});
