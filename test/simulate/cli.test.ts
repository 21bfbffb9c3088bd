// The command line: exit codes (0 hold, 1 fail, 2 input), JSON output, and the HTML report as
// one self-contained file.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeSnapshot, freshState } from "../../src/state/index.ts";
import { TWO_MODELS, run } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "switchyard-sim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const PASSING = file(
  "pass.yaml",
  `duration: 30s
traffic: [{ route: chat, rate: 10/s, mix: { stream: 50% } }]
providers: { main: { faults: [{ at: 5s, for: 10s, fault: status, status: 502 }] } }
expect:
  - { check: success_rate, at_least: 99% }
  - { check: breaker_opens, model: a, within: 2s }
`,
);

describe("simulate command", () => {
  test("exit 0 and a human summary when every expectation holds", async () => {
    const r = await run(TWO_MODELS, PASSING);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    for (const part of [
      "requests",
      "successes",
      "failed over",
      "continuations",
      "latency",
      "ttft",
      "cost",
      "breakers",
      "pass  success_rate at least 99%",
    ])
      expect(r.out).toContain(part);
    expect(r.out).toMatch(/^a\s+\d+\s+\d+\s+\d+\s+server \d+/m);
  });

  test("exit 1 when an expectation fails, naming the measured value", async () => {
    const failing = file(
      "fail.yaml",
      `duration: 10s\ntraffic: [{ route: chat, rate: 5/s }]\nexpect:\n  - { check: p99_latency, below: 10ms }\n`,
    );
    const r = await run(TWO_MODELS, failing);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}p99_latency below 10ms: [\d.]+(ms|s)/);
  });

  test("--json is stable for the same inputs and --seed changes it", async () => {
    const a = await run(TWO_MODELS, PASSING, "--json");
    const b = await run(TWO_MODELS, PASSING, "--json");
    const c = await run(TWO_MODELS, PASSING, "--json", "--seed", "99");
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(c.out).not.toBe(a.out);
    const data = JSON.parse(a.out);
    expect(data.totals.requests).toBeGreaterThan(250);
    expect(data.expectations).toHaveLength(2);
    expect(data.breakers[0]).toMatchObject({ model: "a", to: "open" });
  });

  test("--report writes one self-contained HTML file", async () => {
    const out = join(dir, "report.html");
    const r = await run(TWO_MODELS, PASSING, "--report", out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    // share, breaker bands, latency; every request succeeded (fallback), so no error-rate chart
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).toContain("no errors");
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("breaker state");
  });

  test("--state starts from a snapshot: an open breaker keeps traffic off its model until cooldown", async () => {
    const writtenAt = Date.UTC(2026, 0, 1, 12);
    const state = freshState();
    state.breakers.a = {
      phase: "open",
      consecutiveFailures: 3,
      openedAt: writtenAt - 1000,
      probesInFlight: 0,
      probeSuccesses: 0,
    };
    const snapshot = join(dir, "state.msgpack");
    writeFileSync(snapshot, encodeSnapshot(state, writtenAt, "msgpack"));
    const scenario = file(
      "state.yaml",
      `duration: 20s\ntraffic: [{ route: chat, rate: 10/s, arrival: constant }]\nexpect:\n  - { check: share, model: b, from: 0s, to: 8s, at_least: 99% }\n  - { check: share, model: a, from: 12s, at_least: 99% }\n`,
    );
    const fresh = await run(TWO_MODELS, scenario, "--json");
    const resumed = await run(TWO_MODELS, scenario, "--json", "--state", snapshot);
    expect(fresh.code).toBe(1); // without the snapshot `a` serves from the start
    expect(resumed.err).toBe("");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out).breakers[0]).toMatchObject({ model: "a", from: "open", to: "half_open" });
  });

  test("usage and input errors exit 2 without a stack trace", async () => {
    const cases = [
      await run(TWO_MODELS),
      await run(TWO_MODELS, PASSING, "--bogus"),
      await run(TWO_MODELS, PASSING, "--seed", "soon"),
      await run(TWO_MODELS, join(dir, "missing.yaml")),
      await run(join(dir, "missing.route"), PASSING),
      await run(TWO_MODELS, file("bad.yaml", `duration: 1m\ntraffic: [{ route: nope, rate: 1/s }]\n`)),
      await run(TWO_MODELS, PASSING, "--state", join(dir, "no-state.msgpack")),
    ];
    for (const r of cases) {
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/error/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(cases[5].err).toContain("`traffic[0].route`: the policy has no route `nope`");
    expect(cases[5].err).toContain("bad.yaml:2");
  });
});
