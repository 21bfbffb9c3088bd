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
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createEngine } from "../../src/runtime/engine.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { createGateway } from "../../src/server/app.ts";
import { runScenario } from "../../src/simulate/run.ts";
import type { RequestRow } from "../../src/simulate/recorder.ts";
import { deriveSeed } from "../../src/simulate/seeds.ts";
import { simulatedAdapters } from "../../src/simulate/sim-adapters.ts";
import { generateTraffic } from "../../src/simulate/traffic.ts";
import { UpstreamBehaviour } from "../../src/simulate/upstream-behaviour.ts";
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

interface Observed {
  status: number;
  model: string | null;
  attempts: string | null;
  ok: boolean;
}

/** What the gateway's headers say for a row: the attempts known when the response started, plus the serving one for a stream. */
function expectedHeaders(row: RequestRow): { model: string | null; attempts: string } {
  const t = row.trail!;
  let attempts = t.atResponse;
  if (row.stream && t.servedAtResponse !== null && !attempts.split(",").includes(`${t.servedAtResponse}:200`)) {
    attempts = attempts ? `${attempts},${t.servedAtResponse}:200` : `${t.servedAtResponse}:200`;
  }
  return { model: t.servedAtResponse, attempts };
}

let simulated: RequestRow[] = [];
const live: Observed[] = [];
let server: ReturnType<typeof Bun.serve> | null = null;

beforeAll(async () => {
  const graph = await graphOf(POLICY);
  simulated = (await runScenario({ graph, scenario: SCENARIO, policyName: "fidelity", trails: true })).rows;

  const clock = new SystemClock();
  const behaviour = new UpstreamBehaviour(
    SCENARIO,
    new SeededRandom(deriveSeed(SCENARIO.seed, "upstream")),
    clock.now(),
  );
  const sim = simulatedAdapters(behaviour);
  const ports = {
    clock,
    random: new SeededRandom(deriveSeed(SCENARIO.seed, "engine")),
    transport: { fetch: () => Promise.reject(new Error("no network in this test")) },
    secrets: { get: () => "sim-key" },
  };
  const gateway = createGateway({ graph, ports, adapters: sim.adapters, createEngine });
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => gateway.fetch(req) });
  const url = `http://127.0.0.1:${server.port}/v1/chat/completions`;
  for (const req of generateTraffic(SCENARIO)) {
    const id = `sim-${req.seq}`;
    sim.expect(id, req.outputTokens, 0);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": id },
      body: JSON.stringify(req.body),
    });
    const text = await res.text();
    sim.forget(id);
    const ok = res.status === 200 && (!req.stream || (text.includes("data: [DONE]") && !text.includes('"error"')));
    live.push({
      status: res.status,
      model: res.headers.get("x-switchyard-model"),
      attempts: res.headers.get("x-switchyard-attempts"),
      ok,
    });
  }
}, 20_000);

afterAll(() => server?.stop(true));

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
