// Downtime ages the state exactly as running time would have: the rules in src/state/decay.ts.
import { describe, expect, test } from "bun:test";
import { decayState } from "../../src/state/decay.ts";
import { DEFAULT_TIMING, timingFromGraph } from "../../src/state/timing.ts";
import { T0, sampleGraph, sampleState } from "./fixtures.ts";

const timing = timingFromGraph(sampleGraph(30_000, 60_000));

describe("breakers", () => {
  test("an open breaker stays open until its cool-down has passed, then is half-open with no probes", () => {
    const state = sampleState(); // gpt-4o opened at T0 - 10s, cool-down 30s
    expect(decayState(state, T0 + 19_999, timing).breakers["gpt-4o"].phase).toBe("open");
    const later = decayState(state, T0 + 20_000, timing).breakers["gpt-4o"];
    expect(later).toEqual({
      phase: "half_open",
      consecutiveFailures: 5,
      openedAt: T0 - 10_000,
      probesInFlight: 0,
      probeSuccesses: 0,
    });
  });

  test("the longest cool-down among the rules naming a model applies", () => {
    const slow = timingFromGraph(sampleGraph(120_000, 60_000));
    expect(decayState(sampleState(), T0 + 60_000, slow).breakers["gpt-4o"].phase).toBe("open");
    expect(slow.cooldownMs("provider:openai")).toBe(120_000);
    expect(slow.cooldownMs("unknown-model")).toBe(DEFAULT_TIMING.cooldownMs("unknown-model"));
  });

  test("a half-open breaker keeps its successes but its in-flight probes reset", () => {
    const b = decayState(sampleState(), T0, timing).breakers.claude;
    expect(b).toMatchObject({ phase: "half_open", probesInFlight: 0, probeSuccesses: 1 });
  });

  test("closed breakers are untouched", () => {
    expect(decayState(sampleState(), T0 + 3_600_000, timing).breakers["provider:openai"]).toEqual(
      sampleState().breakers["provider:openai"],
    );
  });
});

describe("windows", () => {
  test("buckets that ended before the window are dropped, EWMAs kept", () => {
    // buckets start at T0-54s, T0-6s, T0 (6 s each); window 60 s
    expect(decayState(sampleState(), T0 + 11_999, timing).windows["gpt-4o"].buckets).toHaveLength(3);
    const w = decayState(sampleState(), T0 + 12_000, timing).windows["gpt-4o"];
    expect(w.buckets.map((b) => b.start)).toEqual([T0 - 6_000, T0]);
    expect(w.latencyEwmaMs).toBe(812.25);
    expect(w.ttftEwmaMs).toBe(230.5);
    expect(w.tokensPerSecEwma).toBe(41.125);
    expect(decayState(sampleState(), T0 + 66_000, timing).windows["gpt-4o"].buckets).toEqual([]);
    expect(decayState(sampleState(), T0 + 65_999, timing).windows["gpt-4o"].buckets).toHaveLength(1);
  });
});

describe("quotas", () => {
  test("a minute quota resets once its minute ended, into the current minute", () => {
    const key = "model:gpt-4o:requests:minute";
    expect(decayState(sampleState(), T0 + 59_999, timing).quotas[key]).toEqual({ windowStart: T0, used: 12 });
    expect(decayState(sampleState(), T0 + 150_000, timing).quotas[key]).toEqual({ windowStart: T0 + 120_000, used: 0 });
  });

  test("a month quota follows UTC calendar months", () => {
    const key = "model:gpt-4o:usd:month"; // November 2026
    expect(decayState(sampleState(), Date.UTC(2026, 10, 30, 23, 59), timing).quotas[key].used).toBe(3.75);
    expect(decayState(sampleState(), Date.UTC(2026, 11, 1), timing).quotas[key]).toEqual({
      windowStart: Date.UTC(2026, 11, 1),
      used: 0,
    });
  });

  test("a day quota resets at UTC midnight", () => {
    const key = "provider:openai:tokens:day";
    expect(decayState(sampleState(), Date.UTC(2026, 10, 25, 23, 59), timing).quotas[key].used).toBe(120_000);
    expect(decayState(sampleState(), Date.UTC(2026, 10, 26, 0, 0), timing).quotas[key].used).toBe(0);
  });

  test("an upstream quota block lifts once its end time passed", () => {
    const key = "model:claude:upstream_quota"; // blocked until T0 + 30s
    expect(decayState(sampleState(), T0 + 29_999, timing).quotas[key].used).toBe(1);
    expect(decayState(sampleState(), T0 + 30_000, timing).quotas[key].used).toBe(0);
  });
});

test("decay never mutates its input and keeps counters, cursors and sticky", () => {
  const state = sampleState();
  const out = decayState(state, T0 + 86_400_000 * 40, timing);
  expect(state).toEqual(sampleState());
  expect(out.counters).toEqual(state.counters);
  expect(out.cursors).toEqual(state.cursors);
  expect(out.sticky).toEqual(state.sticky);
  out.counters["gpt-4o"].requests = 0;
  expect(state.counters["gpt-4o"].requests).toBe(40);
});
