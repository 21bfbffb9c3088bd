// `simulate --compare`: both policies on the real engine with the same traffic and the same
// upstream luck per request, the side-by-side metrics, the requests that ended differently, and the
// `--fail-on` gates (exit 1 when a gated metric got worse, 2 for a usage or input error).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { runScenario } from "../../src/simulate/run.ts";
import { compareFixtures } from "./compare-fixtures.ts";
import { TWO_MODELS, graphOf, run, scenario } from "./helpers.ts";

const { LAX_AB, LAX_BA, NO_FALLBACK, OUTAGE, file } = compareFixtures();

// Luck only, no time windows: each attempt's outcome depends on the draw alone.
const NOISY = `duration: 60s
seed: 5
traffic: [{ route: chat, rate: 20/s, mix: { stream: 50% } }]
providers:
  main: { error_rate: 30%, ttft: { median: 100ms, p95: 600ms } }
  spare: { error_rate: 30%, ttft: { median: 150ms, p95: 700ms } }
`;

describe("simulate --compare", () => {
  test("a new policy without the fallback: lower success, the lost requests listed with both trails, --fail-on success exits 1", async () => {
    const r = await run("--compare", TWO_MODELS, NO_FALLBACK, OUTAGE, "--fail-on", "success,cost+50%", "--diffs", "3");
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^success rate\s+100%\s+[\d.]+%\s+-[\d.]+ pt$/m);
    expect(r.out).toMatch(/requests whose outcome differs: (\d+) of \d+ \(\1 fail only under new\)/);
    // the first differing request: served by b after a's 503 under old, a's 503 the end of it under new
    expect(r.out).toMatch(
      / {4}old {2}200 by b in [\d.]+m?s {2}a:503,b:200\n {4}new {2}502 server in [\d.]+m?s {2}a:503\n/,
    );
    expect(r.out).toMatch(/FAIL {2}success: [\d.]+% is [\d.]+ points below 100% \(allowed: a drop of 0\.1 points\)/);
    expect(r.out).toMatch(/pass {2}cost\+50%: /);
    expect(r.out).toContain("1 of 2 gates failed");
    expect(r.out.match(/^ {2}#\d+ {2}at /gm)).toHaveLength(3);
  });

  test("the same policy twice: no request differs and every metric is identical, exit 0 with gates", async () => {
    const noisy = file("noisy.yaml", NOISY);
    const r = await run(
      "--compare",
      TWO_MODELS,
      TWO_MODELS,
      noisy,
      "--json",
      "--fail-on",
      "success,p99,cost,failovers",
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.differing).toBe(0);
    expect(doc.diffs).toEqual([]);
    for (const m of doc.metrics) expect([m.metric, m.new]).toEqual([m.metric, m.old]);
    expect(doc.metrics.find((m: { metric: string }) => m.metric === "failovers").old).toBeGreaterThan(0);
    expect(doc.gates.map((g: { failed: boolean }) => g.failed)).toEqual([false, false, false, false]);
  });

  test("aligned upstream: a model behaves the same for the same request whichever order the policies call it in", async () => {
    const s = scenario(NOISY);
    const [ab, ba] = [await graphOf(LAX_AB), await graphOf(LAX_BA)];
    const outcomes = async (graph: typeof ab, aligned: boolean) => {
      const { rows } = await runScenario({
        graph,
        scenario: s,
        policyName: "p",
        trails: true,
        alignedUpstream: aligned,
      });
      // (request, model, how many times this request had called it) → what the upstream did
      const out = new Map<string, string>();
      for (const row of rows) {
        const seen = new Map<string, number>();
        for (const a of row.trail!.attempts) {
          const k = (seen.get(a.model) ?? 0) + 1;
          seen.set(a.model, k);
          if (a.cls !== "cancelled") out.set(`${row.seq}/${a.model}/${k}`, `${a.cls}:${a.status}:${a.ttftMs}`);
        }
      }
      return out;
    };
    const agreement = (x: Map<string, string>, y: Map<string, string>) => {
      let shared = 0;
      let same = 0;
      for (const [key, v] of x)
        if (y.has(key)) {
          shared++;
          if (y.get(key) === v) same++;
        }
      return { shared, same };
    };
    const aligned = agreement(await outcomes(ab, true), await outcomes(ba, true));
    expect(aligned.shared).toBeGreaterThan(300);
    expect(aligned.same).toBe(aligned.shared);
    // one shared sequence of draws (plain simulate) would give the same call different luck
    const shared = agreement(await outcomes(ab, false), await outcomes(ba, false));
    expect(shared.same).toBeLessThan(shared.shared * 0.9);
  });

  test("--json has a stable shape: policies, every metric with old/new/delta, shares, changes, diffs with trails, gates", async () => {
    const args = ["--compare", TWO_MODELS, NO_FALLBACK, OUTAGE, "--json", "--diffs", "2", "--fail-on", "success"];
    const r = await run(...args);
    expect(r.code).toBe(1);
    expect((await run(...args)).out).toBe(r.out);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual([
      "scenario",
      "seed",
      "durationMs",
      "requests",
      "policies",
      "metrics",
      "shares",
      "differing",
      "changes",
      "diffs",
      "gates",
      "failed",
    ]);
    expect(doc.policies).toEqual({ old: TWO_MODELS, new: NO_FALLBACK });
    expect(doc.metrics.map((m: { metric: string }) => m.metric)).toEqual([
      "success",
      "failovers",
      "attempts",
      "p50",
      "p95",
      "p99",
      "ttft_p50",
      "ttft_p95",
      "ttft_p99",
      "cost",
      "breaker_opens",
      "cache_hits",
      "expectations",
    ]);
    const success = doc.metrics[0];
    expect(success.delta).toBeCloseTo(success.new - success.old, 6);
    expect(doc.shares.find((s: { model: string }) => s.model === "b").new).toBe(0);
    expect(doc.changes.fails_only_new).toBe(doc.differing);
    expect(doc.diffs).toHaveLength(2);
    expect(doc.diffs[0].old).toMatchObject({ ok: true, servedModel: "b", trail: "a:503,b:200" });
    expect(doc.diffs[0].new).toMatchObject({ ok: false, status: 502, servedModel: null, trail: "a:503" });
    expect(doc.gates).toEqual([{ gate: "success", failed: true, judged: true, message: expect.any(String) }]);
    expect(doc.failed).toBe(true);
  });
});

describe("simulate --compare input errors (exit 2)", () => {
  const cases: [string, string[], RegExp][] = [
    [
      "an unknown metric, with a did-you-mean",
      ["--fail-on", "success,p59"],
      /unknown metric `p59` in `--fail-on`; did you mean `p50`\?\n {2}metrics: success, failovers/,
    ],
    [
      "a share gated on a rise",
      ["--fail-on", "success+1%"],
      /`success` is better when higher, so it allows a drop in points; write `success-0.5%`/,
    ],
    [
      "a latency gated on a drop",
      ["--fail-on", "p95-10%"],
      /`p95` is better when lower, so it allows a rise in percent; write `p95\+10%`/,
    ],
    [
      "an allowance that is not a percentage",
      ["--fail-on", "cost+ten%"],
      /entry `cost\+ten%`: the allowance must be a percentage; write `cost\+10%`/,
    ],
    ["an empty entry", ["--fail-on", "success,,cost"], /`--fail-on` has an empty entry in `success,,cost`/],
    ["--diffs that is not a number", ["--diffs", "some"], /`--diffs` takes a whole number, got `some`/],
  ];
  for (const [what, extra, message] of cases)
    test(what, async () => {
      const r = await run("--compare", TWO_MODELS, NO_FALLBACK, OUTAGE, ...extra);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toStartWith("error: ");
      expect(r.out).toBe("");
    });

  test("two files instead of three, and --fail-on without --compare", async () => {
    const few = await run("--compare", TWO_MODELS, OUTAGE);
    expect(few.code).toBe(2);
    expect(few.err).toContain(
      "needs two policy files and a scenario file (old.route new.route scenario.yaml), got 2 files",
    );
    const stray = await run(TWO_MODELS, OUTAGE, "--fail-on", "success");
    expect(stray.code).toBe(2);
    expect(stray.err).toContain("`--fail-on` and `--diffs` belong to `--compare`");
  });

  test("a scenario route the new policy lacks names the policy and the line", async () => {
    const renamed = file("renamed.route", readFileSync(TWO_MODELS, "utf8").replace("route chat", "route talk"));
    const r = await run("--compare", TWO_MODELS, renamed, OUTAGE);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /error: `traffic\[0\]\.route`: the policy has no route `chat`; its routes are `talk`\n {2}--> .*outage\.yaml:3\n {2}\(checked against `.*renamed\.route`\)/,
    );
  });
});
