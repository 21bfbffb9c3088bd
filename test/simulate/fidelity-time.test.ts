// Fidelity with time: a scenario whose routing depends on when things happen (an outage window,
// breaker cool-downs and half-open probes, Retry-After waits) run through `simulate` (virtual
// clock) and live over real HTTP (real clock, the same simulated upstreams and seeds, each request
// sent at its arrival time). Per request the served model must agree for ≥ 99% of requests and the
// success rates within 0.5 points.
//
// Why it can agree at all: the live run adds HTTP, JSON and scheduler time (about a millisecond a
// request) that the virtual clock does not have, so every time-based decision is placed far from
// that noise. Arrivals are 30ms apart; fault windows start and end half-way between two arrivals;
// the breaker cooldown (75ms, 2.5 gaps) ends 15ms from the nearest arrival whichever request
// opened it; a request, retries and Retry-After waits included, lasts under 30ms, so requests
// never overlap and the seeded draws happen in the same order in both runs.
// What may differ, and is therefore not asserted: latencies and TTFTs. A live run the machine held
// up by more than MARGIN_MS (a request sent that much after its arrival time) can move a probe or
// a fault window by a request and is run again, at most twice.
import { beforeAll, describe, expect, test } from "bun:test";
import { runScenario } from "../../src/simulate/run.ts";
import type { RequestRow } from "../../src/simulate/recorder.ts";
import { expectedHeaders, runLive, type Observed } from "./fidelity-live.ts";
import { graphOf, scenario } from "./helpers.ts";

const POLICY = `${import.meta.dir}/fixtures/fidelity-time.route`;
const SCENARIO = scenario(`duration: 3s
seed: 23
traffic:
  - { route: chat, count: 100, arrival: constant, mix: { stream: 50% }, output_tokens: { min: 3, max: 6 }, prompt_tokens: 20 }
models:
  a:
    ttft: 2ms
    per_token: 1ms
    faults:
      - { at: 615ms, for: 900ms, fault: status, status: 503 }
      - { at: 2115ms, for: 300ms, fault: status, status: 429, retry_after: 10ms }
  b:
    ttft: 3ms
    per_token: 1ms
    faults:
      - { at: 915ms, for: 300ms, fault: status, status: 503, share: 60% }
`);

/** How far the live run's timing may drift before a time-based decision could fall differently. */
const MARGIN_MS = 10;

let simulated: RequestRow[] = [];
let live: Observed[] = [];

beforeAll(async () => {
  const graph = await graphOf(POLICY);
  simulated = (await runScenario({ graph, scenario: SCENARIO, policyName: "fidelity-time", trails: true })).rows;
  // A run in which the machine held a request up past the margins says nothing about the
  // simulator: it is run again, at most twice (two cores shared with other test runs).
  for (let run = 0; run < 3; run++) {
    live = await runLive(graph, SCENARIO, { paced: true });
    if (Math.max(...live.map((l) => l.lateMs)) < MARGIN_MS) break;
  }
}, 40_000);

describe("simulate agrees with the live gateway when decisions depend on time", () => {
  test("the scenario exercises an outage, breaker cool-downs, half-open probes and Retry-After", () => {
    expect(simulated).toHaveLength(100);
    const trails = simulated.map((r) => r.trail!.final);
    expect(trails.some((t) => t === "b:200")).toBe(true); // a skipped: its breaker is open
    expect(trails.filter((t) => t.startsWith("a:503,b:")).length).toBeGreaterThan(2); // half-open probes
    expect(trails.some((t) => t.startsWith("a:429,a:429,b:"))).toBe(true); // waited Retry-After, then failed over
    expect(simulated.some((r) => !r.ok)).toBe(true);
  });

  test("served model agrees for ≥ 99% of requests, success rates within 0.5 points", () => {
    expect(live).toHaveLength(simulated.length);
    const differ: string[] = [];
    simulated.forEach((row, i) => {
      const want = expectedHeaders(row);
      const got = live[i];
      if (got.model !== want.model || got.ok !== row.ok)
        differ.push(
          `#${i} simulate ${want.model} [${want.attempts}] ok=${row.ok} | live ${got.model} [${got.attempts}] ok=${got.ok}`,
        );
    });
    if (differ.length > 0)
      console.log(
        `${differ.join("\n")}\nlate sends: ${live
          .map((l, i) => (l.lateMs > 3 ? `#${i} ${Math.round(l.lateMs)}ms` : ""))
          .filter(Boolean)
          .join(", ")}`,
      );
    expect(1 - differ.length / simulated.length).toBeGreaterThanOrEqual(0.99);
    const rate = (oks: boolean[]) => oks.filter(Boolean).length / oks.length;
    expect(Math.abs(rate(simulated.map((r) => r.ok)) - rate(live.map((l) => l.ok)))).toBeLessThanOrEqual(0.005);
  });
});
