// Scenario files: valid ones resolve units, broken ones name the path, what was expected and the line.
import { describe, expect, test } from "bun:test";
import { formatProblems, parseScenario } from "../../src/simulate/scenario-load.ts";

const BASE = `duration: 5m
traffic:
  - route: chat
    rate: 10/s
`;

function problems(text: string, refs?: Parameters<typeof parseScenario>[2]) {
  const r = parseScenario(text, "t", refs);
  if (r.ok) throw new Error("expected the scenario to be rejected");
  return r.problems;
}

describe("scenario files", () => {
  test("numbers may group digits with `_`, as in policies (YAML reads `1_000` as a string)", () => {
    const r = parseScenario(`seed: 12_345
duration: 5m
traffic:
  - route: chat
    count: 1_000
    prompt_tokens: { median: 1_000, p95: 8_000 }
    output_tokens: { min: 10, max: 100_000_000 }
  - route: chat
    rate: 6_000/min
providers:
  openai:
    faults:
      - { at: 2m, fault: stall_after, tokens: 1_200 }
expect:
  - { check: attempts_per_request, at_most: 1_000 }
`);
    if (!r.ok) throw new Error(formatProblems("t", r.problems));
    const s = r.scenario;
    expect(s.seed).toBe(12_345);
    expect(s.traffic[0]).toMatchObject({
      count: 1000,
      promptTokens: { kind: "lognormal", median: 1000, p95: 8000 },
      outputTokens: { kind: "uniform", min: 10, max: 100_000_000 },
    });
    expect(s.traffic[1].ratePerMs).toBeCloseTo(0.1);
    expect(s.providers.openai.faults[0]).toMatchObject({ tokens: 1200 });
    expect(s.expect[0]).toMatchObject({ atMost: 1000 });
  });

  test("durations, rates and shares are read in policy syntax", () => {
    const r = parseScenario(`${BASE}    mix: { stream: 30%, tools: 0.1 }
    prompt_tokens: { median: 1k, p95: 8k }
providers:
  openai:
    ttft: { min: 100ms, max: 1.5s }
    error_rate: 2%
    faults:
      - { at: 2m, for: 30s, fault: status, status: 429, retry_after: 2s }
      - { at: 4m, fault: stall_after, tokens: 12 }
`);
    if (!r.ok) throw new Error(formatProblems("t", r.problems));
    const s = r.scenario;
    expect(s.durationMs).toBe(300_000);
    expect(s.traffic[0].ratePerMs).toBeCloseTo(0.01);
    expect(s.traffic[0].stream).toBe(0.3);
    expect(s.traffic[0].tools).toBe(0.1);
    expect(s.traffic[0].promptTokens).toEqual({ kind: "lognormal", median: 1000, p95: 8000 });
    expect(s.providers.openai.ttftMs).toEqual({ kind: "uniform", min: 100, max: 1500 });
    expect(s.providers.openai.errorRate).toBe(0.02);
    expect(s.providers.openai.faults[0]).toMatchObject({
      atMs: 120_000,
      forMs: 30_000,
      fault: "status",
      status: 429,
      retryAfterMs: 2000,
    });
    expect(s.providers.openai.faults[1]).toMatchObject({
      atMs: 240_000,
      forMs: Infinity,
      fault: "stall_after",
      tokens: 12,
    });
  });

  test("a bad fault time names its path, what was expected and its line", () => {
    const p = problems(`${BASE}providers:
  openai:
    faults:
      - { at: 1m, fault: reset }
      - { at: soon, fault: reset }
`);
    expect(p).toHaveLength(1);
    expect(p[0].path).toBe("providers.openai.faults[1].at");
    expect(p[0].message).toContain("expected a duration like `250ms` or `5m`");
    expect(p[0].message).toContain("`soon`");
    expect(p[0].line).toBe(9);
    expect(formatProblems("s.yaml", p)).toContain("--> s.yaml:9");
  });

  test("unknown fault kinds list the known ones", () => {
    const [p] = problems(`${BASE}models:\n  a:\n    faults: [{ at: 1m, fault: explode }]\n`);
    expect(p.path).toBe("models.a.faults[0].fault");
    expect(p.message).toContain("`no_response`");
    expect(p.message).toContain("`quota`");
  });

  test("a duration without a unit is refused", () => {
    const [p] = problems(`duration: 300\ntraffic: [{ route: chat, count: 3 }]\n`);
    expect(p.path).toBe("duration");
    expect(p.line).toBe(1);
  });

  test("rate and count are mutually exclusive", () => {
    const [p] = problems(`duration: 1m\ntraffic:\n  - { route: chat, count: 3, rate: 1/s }\n`);
    expect(p.path).toBe("traffic[0]");
    expect(p.message).toContain("exactly one of `rate` or `count`");
  });

  test("unknown fields and missing fields are named", () => {
    const p = problems(`${BASE}    burst: 3\nexpect:\n  - { check: p95_latency }\n`);
    expect(p.map((x) => x.path)).toEqual(["traffic[0].burst", "expect[0].below"]);
    expect(p[0].message).toContain("unknown field `burst`");
    expect(p[1].message).toContain("missing");
    expect(p[1].line).toBe(7);
  });

  test("yaml syntax errors carry a line and no stack", () => {
    const p = problems(`duration: 1m\ntraffic: [ { route: chat\n`);
    expect(p[0].line).not.toBeNull();
    expect(formatProblems("s.yaml", p)).not.toContain("    at ");
  });

  test("references to routes and models the policy lacks are input errors", () => {
    const p = problems(
      `${BASE}models:\n  gtp4o: { error_rate: 1% }\nexpect:\n  - { check: recovers, model: gpt5, within: 1m }\n`,
      {
        routes: ["chat"],
        models: ["gpt4o"],
        providers: ["openai"],
      },
    );
    expect(p.map((x) => x.path)).toEqual(["models.gtp4o", "expect[0].model"]);
    expect(p[0].message).toContain("its models are `gpt4o`");
    expect(p[0].line).toBe(6);
  });

  test("expectations resolve to checks with units", () => {
    const r = parseScenario(`${BASE}expect:
  - { check: success_rate, at_least: 99.5% }
  - { check: p99_ttft, below: 800ms }
  - { check: share, model: a, from: 1m, at_most: 10% }
`);
    if (!r.ok) throw new Error(formatProblems("t", r.problems));
    expect(r.scenario.expect).toEqual([
      { check: "success_rate", atLeast: 0.995 },
      { check: "latency", metric: "ttft", percentile: 99, belowMs: 800 },
      { check: "share", model: "a", fromMs: 60_000, toMs: 300_000, atLeast: null, atMost: 0.1 },
    ]);
  });
});
