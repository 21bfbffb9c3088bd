// Runs a scenario through the policy's compiled graph on THE SAME engine `serve` uses: a virtual
// clock, seeded randomness and the simulated adapter for every provider kind are the only
// differences. This file generates traffic, moves virtual time and records what happens; routing,
// retries, breakers and timeouts are all the engine's.
import type { Graph } from "../compile/graph.ts";
import type { RuntimeState } from "../runtime/api.ts";
import { createEngine, NEVER_ABORTED } from "../runtime/engine.ts";
import { ManualClock } from "../ports/manual-clock.ts";
import type { Ports, Transport } from "../runtime/ports.ts";
import { SeededRandom } from "../ports/seeded-random.ts";
import { streamChunkMs } from "./chunking.ts";
import { checkExpectations } from "./expectations.ts";
import { InFlight } from "./in-flight.ts";
import { Recorder, attemptTrail, type RequestRow } from "./recorder.ts";
import type { Scenario } from "./scenario-types.ts";
import { deriveSeed } from "./seeds.ts";
import { CALL_SHAPE, simulatedAdapters } from "./sim-adapters.ts";
import { summarise, type Summary } from "./summary.ts";
import { generateTraffic, type SimRequest } from "./traffic.ts";
import { dialectAnswer } from "./dialect-traffic.ts";
import { UpstreamBehaviour, type CallShape } from "./upstream-behaviour.ts";

export interface SimulationOptions {
  graph: Graph;
  scenario: Scenario;
  policyName: string;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Runtime state to start from (a snapshot), and the clock time it was taken at. */
  state?: RuntimeState;
  startAt?: number;
  /** Keep each request's attempt trail in the rows (for comparing against a live run). */
  trails?: boolean;
  /** Shortest virtual gap between stream chunks; default streamChunkMs(graph), 1 for one token a chunk. */
  chunkMs?: number;
}

export interface SimulationResult {
  summary: Summary;
  /** One row per request, in arrival order. */
  rows: RequestRow[];
}

/** Simulated upstreams never touch the network; an adapter that tries is a bug worth a loud error. */
const noNetwork: Transport = {
  fetch: () => Promise.reject(new Error("the simulator has no network; every provider is simulated")),
};

/** Every key variable reads as set, so no candidate is skipped for a missing key in simulation. */
const simSecrets = { get: (name: string) => (name ? "sim-key" : undefined) };

export async function runSimulation(opts: SimulationOptions): Promise<Summary> {
  return (await runScenario(opts)).summary;
}

export async function runScenario(opts: SimulationOptions): Promise<SimulationResult> {
  const { graph, scenario } = opts;
  const seed = opts.seed ?? scenario.seed;
  const origin = opts.startAt ?? 0;
  // lazyAbort: the engine never waits on an abandoned attempt's sleep, so none needs an abort listener
  const clock = new ManualClock(origin, { lazyAbort: true });
  const ports: Ports = { clock, random: new SeededRandom(deriveSeed(seed, "engine")), transport: noNetwork, secrets: simSecrets };
  const behaviour = new UpstreamBehaviour(scenario, new SeededRandom(deriveSeed(seed, "upstream")), origin);
  const sim = simulatedAdapters(behaviour, { chunkMs: opts.chunkMs ?? streamChunkMs(graph) });
  const recorder = new Recorder(origin);
  const engine = createEngine({ graph, ports, adapters: sim.adapters, observer: recorder.observer, state: opts.state });

  const inflight = new InFlight<SimRequest>();
  const serve = async (req: SimRequest): Promise<void> => {
    const entry = inflight.add(req);
    const id = `sim-${req.seq}`;
    const startedAt = clock.now();
    (req.body as { [CALL_SHAPE]?: CallShape })[CALL_SHAPE] = { outputTokens: req.outputTokens, promptTokens: 0 };
    try {
      const outcome = await engine.chat({ id, route: req.route, body: req.body, headers: req.headers, signal: NEVER_ABORTED, receivedAt: startedAt });
      const atResponse = opts.trails ? { atResponse: attemptTrail(outcome.meta.attempts), servedAtResponse: outcome.meta.servedModel } : null;
      // A dialect request's answer goes back through the same translation serve writes.
      const answer = req.dialect ? dialectAnswer(req.dialect, id, Math.floor(startedAt / 1000)) : null;
      let ok = outcome.kind !== "error";
      let errorKind: string | null = null;
      let firstChunkAt: number | null = null;
      if (outcome.kind === "completion") answer?.completion(outcome.body);
      if (outcome.kind === "stream") {
        firstChunkAt = clock.now();
        for await (const event of outcome.events) {
          answer?.event(event);
          if (event.type === "error") {
            ok = false;
            errorKind = "stream_error";
          }
        }
      }
      const row = Recorder.row(outcome.meta, req.seq, startedAt - origin, req.stream, ok, errorKind, clock.now(), firstChunkAt, startedAt);
      if (atResponse) row.trail = { ...atResponse, final: attemptTrail(outcome.meta.attempts) };
      recorder.record(row);
    } catch (err) {
      // The engine promises outcomes, not exceptions; if one escapes it is counted, not hidden.
      recorder.record(failedRow(req, `engine_threw:${err instanceof Error ? err.name : "unknown"}`, clock.now() - startedAt));
    } finally {
      inflight.remove(entry);
    }
  };

  // Arrivals are themselves timers on the virtual clock, armed one at a time, so runUntilIdle
  // drives traffic and in-flight requests in one time-ordered pass.
  const traffic = generateTraffic(scenario);
  let trafficDone = false;
  const arrive = (next: IteratorResult<SimRequest>): void => {
    if (next.done) {
      trafficDone = true;
      return;
    }
    const req = next.value;
    clock.schedule(origin + req.at - clock.now(), () => {
      void serve(req);
      arrive(traffic.next());
    });
  };
  arrive(traffic.next());
  for (let idleDrains = 0; !(trafficDone && inflight.size === 0); ) {
    if (clock.pending() > 0) {
      await clock.runUntilIdle();
      idleDrains = 0;
    } else {
      await clock.drain();
      // Nothing left to fire yet requests are open: they wait on something that never comes.
      if (++idleDrains > 100) break;
    }
  }
  for (const req of inflight.values()) recorder.record(failedRow(req, "never_finished", clock.now() - origin - req.at));

  recorder.sortRows();
  const faults = new Map(graph.models.map((m) => [m.name, behaviour.faultsOf(m)]));
  const expectations = checkExpectations(scenario.expect, {
    recorder,
    faultsOf: (model) => faults.get(model) ?? [],
    knownModels: new Set(graph.models.map((m) => m.name)),
  });
  const summary = summarise({ policy: opts.policyName, scenario: scenario.name, seed, durationMs: scenario.durationMs, graph, recorder, expectations });
  return { summary, rows: recorder.rows };
}

function failedRow(req: SimRequest, errorKind: string, latencyMs: number) {
  return { seq: req.seq, arrivedAt: req.at, route: req.route, stream: req.stream, ok: false, status: 500, errorKind, servedModel: null, attempts: 0, failovers: 0, continuations: 0, latencyMs, ttftMs: null, costUsd: 0 };
}
