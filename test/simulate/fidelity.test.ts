// Fidelity: one short scenario run two ways, through `simulate` (virtual clock) and live through the
// real HTTP gateway (createGateway + Bun.serve, real clock) with the same simulated upstreams, seeds
// and arrival order. Per request, the served model, the attempts and the outcome must agree.
//
// What cannot agree exactly, and is therefore not compared: latencies and TTFTs (the live run adds
// HTTP, JSON and scheduler time that a virtual clock does not have), and anything decided by elapsed
// time. The scenario is built so no decision depends on time: its faults cover the whole run and
// are drawn by share (the same seeded draws in the same order, because the live client sends one
// request at a time and the simulated arrivals are spaced wider than any request lasts), and the
// breaker cooldown (1h) outlasts both runs, so were it to open it would do so at the same request
// in both and never half-open. Retry backoff waits differ in length but not in what follows them.
import { beforeAll, describe, expect, test } from "bun:test";
import { runScenario } from "../../src/simulate/run.ts";
import type { RequestRow } from "../../src/simulate/recorder.ts";
import { expectedHeaders, runLive, type Observed } from "./fidelity-live.ts";
import { graphOf, scenario } from "./helpers.ts";

const POLICY = `${import.meta.dir}/fixtures/fidelity.route`;
const SCENARIO = scenario(`duration: 40s
seed: 17
traffic:
  - { route: chat, count: 40, arrival: constant, mix: { stream: 50% }, output_tokens: { min: 3, max: 8 }, prompt_tokens: 20 }
models:
  a:
    ttft: 2ms
    per_token: 1ms
    faults:
      - { at: 0s, fault: status, status: 503, share: 12% }
      - { at: 0s, fault: cut_after, tokens: 2, share: 15% }
  b:
    ttft: 3ms
    per_token: 1ms
`);

let simulated: RequestRow[] = [];
let live: Observed[] = [];

beforeAll(async () => {
  const graph = await graphOf(POLICY);
  simulated = (await runScenario({ graph, scenario: SCENARIO, policyName: "fidelity", trails: true })).rows;
  live = await runLive(graph, SCENARIO, { paced: false });
}, 20_000);

describe("simulate agrees with the live gateway", () => {
  test("the scenario exercises retries, failover and mid-stream continuation", () => {
    expect(simulated).toHaveLength(40);
    expect(simulated.some((r) => r.failovers > 0)).toBe(true);
    expect(simulated.some((r) => r.continuations > 0)).toBe(true);
    expect(simulated.some((r) => r.trail!.final.includes("a:503"))).toBe(true);
    expect(simulated.some((r) => r.servedModel === "b")).toBe(true);
    expect(simulated.some((r) => r.trail!.final === "a:503,a:200")).toBe(true); // retried on the same model
  });

  test("each request: same status, served model, attempts and outcome", () => {
    expect(live).toHaveLength(simulated.length);
    const mismatches: string[] = [];
    simulated.forEach((row, i) => {
      const want = expectedHeaders(row);
      const got = live[i];
      const same =
        got.status === row.status && got.model === want.model && got.attempts === want.attempts && got.ok === row.ok;
      if (!same)
        mismatches.push(
          `#${i} simulate ${row.status} ${want.model} [${want.attempts}] ok=${row.ok} | live ${got.status} ${got.model} [${got.attempts}] ok=${got.ok}`,
        );
    });
    expect(mismatches).toEqual([]);
  });
});
