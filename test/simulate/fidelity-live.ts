// The live half of the fidelity tests: the same scenario's traffic sent over real HTTP to the
// gateway (createGateway + Bun.serve on 127.0.0.1, real clock) whose providers are the simulator's
// own simulated upstreams, with the same seeds. One request at a time; `paced` sends each at its
// scenario arrival time (ms-scale scenarios only), for decisions that depend on time.
import type { Graph } from "../../src/compile/graph.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { createEngine } from "../../src/runtime/engine.ts";
import { createGateway } from "../../src/server/app.ts";
import type { RequestRow } from "../../src/simulate/recorder.ts";
import type { Scenario } from "../../src/simulate/scenario-types.ts";
import { deriveSeed } from "../../src/simulate/seeds.ts";
import { simulatedAdapters } from "../../src/simulate/sim-adapters.ts";
import { generateTraffic } from "../../src/simulate/traffic.ts";
import { UpstreamBehaviour } from "../../src/simulate/upstream-behaviour.ts";

export interface Observed {
  status: number;
  model: string | null;
  attempts: string | null;
  ok: boolean;
  /** How much later than its scenario arrival time the request was sent (paced runs; 0 otherwise). */
  lateMs: number;
}

/** What the gateway's headers say for a row: the attempts known when the response started, plus the serving one for a stream. */
export function expectedHeaders(row: RequestRow): { model: string | null; attempts: string } {
  const t = row.trail!;
  let attempts = t.atResponse;
  if (row.stream && t.servedAtResponse !== null && !attempts.split(",").includes(`${t.servedAtResponse}:200`)) {
    attempts = attempts ? `${attempts},${t.servedAtResponse}:200` : `${t.servedAtResponse}:200`;
  }
  return { model: t.servedAtResponse, attempts };
}

export async function runLive(graph: Graph, scenario: Scenario, opts: { paced: boolean }): Promise<Observed[]> {
  const clock = new SystemClock();
  const origin = clock.now();
  const behaviour = new UpstreamBehaviour(scenario, new SeededRandom(deriveSeed(scenario.seed, "upstream")), origin);
  const sim = simulatedAdapters(behaviour);
  const ports = {
    clock,
    random: new SeededRandom(deriveSeed(scenario.seed, "engine")),
    transport: { fetch: () => Promise.reject(new Error("no network in this test")) },
    secrets: { get: () => "sim-key" },
  };
  const gateway = createGateway({ graph, ports, adapters: sim.adapters, createEngine });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => gateway.fetch(req) });
  const url = `http://127.0.0.1:${server.port}/v1/chat/completions`;
  const live: Observed[] = [];
  try {
    for (const req of generateTraffic(scenario)) {
      // pacing the client to the scenario's arrival times, not waiting for an outcome
      if (opts.paced) await Bun.sleep(Math.max(0, origin + req.at - clock.now()));
      const lateMs = opts.paced ? Math.max(0, clock.now() - origin - req.at) : 0;
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
      const model = res.headers.get("x-switchyard-model");
      live.push({ status: res.status, model, attempts: res.headers.get("x-switchyard-attempts"), ok, lateMs });
    }
  } finally {
    server.stop(true);
  }
  return live;
}
