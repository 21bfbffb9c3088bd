// The simulator drives the real engine: outages open breakers, every scenario fault kind reaches
// the engine as the failure class it stands for, and runs replay byte for byte from a seed.
import { describe, expect, test } from "bun:test";
import { renderJson } from "../../src/simulate/render-json.ts";
import { simulate } from "./helpers.ts";

const OUTAGE = `duration: 1m
seed: 4
traffic:
  - { route: chat, rate: 20/s, mix: { stream: 40% } }
providers:
  main:
    faults: [{ at: 10s, for: 20s, fault: status, status: 503 }]
expect:
  - { check: success_rate, at_least: 99% }
  - { check: breaker_opens, model: a, within: 2s }
  - { check: breaker_respected, model: a }
  - { check: recovers, model: a, within: 15s }
  - { check: share, model: b, from: 12s, to: 30s, at_least: 90% }
  - { check: attempts_per_request, at_most: 3 }
`;

describe("runs through the engine", () => {
  test("an outage opens the breaker, traffic fails over, and the primary comes back", async () => {
    const s = await simulate(OUTAGE);
    expect(s.totals.requests).toBeGreaterThan(1000);
    expect(s.totals.requests).toBeLessThan(1400);
    expect(s.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(s.passed).toBe(true);
    const a = s.models.find((m) => m.name === "a")!;
    expect(a.failedByClass.server).toBeGreaterThanOrEqual(3);
    expect(a.skipped.breaker_open).toBeGreaterThan(100);
    expect(s.breakers[0]).toMatchObject({ model: "a", from: "closed", to: "open" });
    expect(s.breakers[0].at).toBeGreaterThanOrEqual(10_000);
    expect(s.breakers.at(-1)).toMatchObject({ model: "a", to: "closed" });
    expect(s.totals.failedOver).toBeGreaterThan(0);
  });

  test("the same seed gives byte-identical JSON; another seed differs", async () => {
    const one = renderJson(await simulate(OUTAGE));
    const two = renderJson(await simulate(OUTAGE));
    const other = renderJson(await simulate(OUTAGE, { seed: 5 }));
    expect(two).toBe(one);
    expect(other).not.toBe(one);
  });

  test("failed expectations report the measured value", async () => {
    const s = await simulate(`duration: 20s
traffic: [{ route: chat, rate: 5/s }]
providers: { main: { faults: [{ at: 0s, fault: status, status: 500 }] } }
expect:
  - { check: share, model: a, at_least: 50% }
  - { check: p50_latency, below: 1ms }
`);
    expect(s.passed).toBe(false);
    expect(s.expectations.map((e) => e.passed)).toEqual([false, false]);
    expect(s.expectations[0].measured).toMatch(/^0% of \d+$/);
    expect(s.expectations[1].measured).toMatch(/^[\d.]+(ms|s)$/);
  });
});

/** Each scenario fault on `a`, the failure class the engine records for it, and the traffic that shows it. */
const FAULTS: [string, string, string][] = [
  ["{ fault: status, status: 503 }", "server", "stream: 0%"],
  ["{ fault: status, status: 429, retry_after: 1s }", "rate_limit", "stream: 0%"],
  ["{ fault: reset }", "reset", "stream: 0%"],
  ["{ fault: no_response }", "timeout", "stream: 0%"],
  ["{ fault: slow_first_token, delay: 20s }", "timeout", "stream: 100%"],
  ["{ fault: stall_after, tokens: 5 }", "timeout", "stream: 100%"],
  ["{ fault: cut_after, tokens: 5 }", "cut", "stream: 100%"],
  ["{ fault: malformed }", "malformed", "stream: 0%"],
  ["{ fault: context_length }", "context_length", "stream: 0%"],
  ["{ fault: content_policy }", "content_policy", "stream: 0%"],
  ["{ fault: quota }", "quota", "stream: 0%"],
];

describe("fault kinds reach the engine as their failure class", () => {
  for (const [fault, cls, mix] of FAULTS) {
    test(`${fault} → ${cls}`, async () => {
      const s = await simulate(`duration: 10s
traffic: [{ route: chat, count: 4, arrival: constant, mix: { ${mix} } }]
models: { a: { faults: [{ at: 0s, ${fault.slice(2)}] } }
`);
      const a = s.models.find((m) => m.name === "a")!;
      expect(a.failedByClass[cls]).toBeGreaterThan(0);
      expect(s.totals.requests).toBe(4);
    });
  }

  test("a stream cut midway continues on the next model", async () => {
    const s = await simulate(`duration: 10s
traffic: [{ route: chat, count: 4, arrival: constant, mix: { stream: 100% } }]
models: { a: { faults: [{ at: 0s, fault: cut_after, tokens: 5 }] } }
`);
    expect(s.totals.continuations).toBeGreaterThan(0);
    expect(s.totals.successes).toBe(4);
    expect(s.models.find((m) => m.name === "b")!.served).toBe(4);
  });

  test("an upstream quota runs out after its allowance", async () => {
    const s = await simulate(`duration: 10s
traffic: [{ route: chat, count: 20, arrival: constant }]
providers: { main: { quota: { requests: 6, per: day } } }
`);
    const a = s.models.find((m) => m.name === "a")!;
    expect(a.served).toBe(6);
    expect(a.failedByClass.quota).toBeGreaterThan(0);
    expect(s.totals.successes).toBe(20);
  });

  test("requests with images skip the text-only model by capability", async () => {
    const s = await simulate(`duration: 10s
traffic: [{ route: chat, count: 5, mix: { images: 100% } }]
`);
    expect(s.models.find((m) => m.name === "a")!.skipped.capability).toBe(5);
    expect(s.models.find((m) => m.name === "b")!.served).toBe(5);
  });
});
