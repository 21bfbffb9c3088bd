// Runs a scenario through the policy's compiled graph on THE SAME engine `serve` uses: a virtual
// clock, seeded randomness and the simulated adapter for every provider kind are the only
// differences. This file generates traffic, moves virtual time and records what happens; routing,
// retries, breakers and timeouts are all the engine's, and a policy's response cache is serve's own
// (src/cache), on the virtual clock.
import type { Graph } from "../compile/graph.ts";
import type { ChatOutcome, RuntimeState } from "../runtime/api.ts";
import { ManualClock } from "../ports/manual-clock.ts";
import type { Ports, Random, Transport } from "../runtime/ports.ts";
import { SeededRandom } from "../ports/seeded-random.ts";
import { streamChunkMs } from "./chunking.ts";
import { Cluster, type SimInstance } from "./instances.ts";
import { AlignedUpstream } from "./aligned-upstream.ts";
import { Recorder, attemptTrail, type RequestRow } from "./recorder.ts";
import type { Scenario } from "./scenario-types.ts";
import { deriveSeed } from "./seeds.ts";
import { simulatedAdapters } from "./sim-adapters.ts";
import { summariseRun } from "./run-summary.ts";
import type { Summary } from "./summary.ts";
import { generateTraffic, type SimRequest } from "./traffic.ts";
import { dialectAnswer, type DialectAnswer } from "./dialect-traffic.ts";
import { UpstreamBehaviour, type UpstreamSource } from "./upstream-behaviour.ts";

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
  /**
   * Draw each attempt's upstream behaviour from a random seeded by (seed, request, model, attempt)
   * instead of one shared sequence, so two policies see the same upstream luck (`--compare`).
   */
  alignedUpstream?: boolean;
  /** Replaces the scenario's generated traffic and upstream behaviour (`--replay` of a request log). */
  replay?: ReplayInput;
}

export interface ReplayInput {
  traffic: Iterable<SimRequest>;
  upstream: (random: Random, origin: number) => UpstreamSource;
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
  const ports: Ports = {
    clock,
    random: new SeededRandom(deriveSeed(seed, "engine")),
    transport: noNetwork,
    secrets: simSecrets,
  };
  const upstreamRandom = new SeededRandom(deriveSeed(seed, "upstream"));
  const behaviour =
    opts.replay?.upstream(upstreamRandom, origin) ??
    (opts.alignedUpstream
      ? new AlignedUpstream(scenario, deriveSeed(seed, "upstream"), origin)
      : new UpstreamBehaviour(scenario, upstreamRandom, origin));
  const sim = simulatedAdapters(behaviour, { chunkMs: opts.chunkMs ?? streamChunkMs(graph) });
  const recorder = new Recorder(origin);
  const cluster = new Cluster({
    graph,
    spec: scenario.instances,
    clock,
    ports,
    adapters: sim.adapters,
    recorder,
    origin,
    seed,
    state: opts.state,
    countProbes: scenario.expect.some((e) => e.check === "probes_per_cooldown"),
  });

  const inflight = new Set<SimRequest>(); // in start order, for the end-of-run report
  let trafficDone = false;
  // the store's periodic syncs would keep the clock busy forever: they stop with the last request
  const idle = (): void => {
    if (trafficDone && inflight.size === 0) cluster.stop();
  };
  const run: RunParts = { graph, clock, cluster, sim, recorder, origin, trails: opts.trails === true, idle };
  const serve = (req: SimRequest): Promise<void> => serveRequest(run, req, inflight);

  // Arrivals are themselves timers on the virtual clock, armed one at a time, so runUntilIdle
  // drives traffic and in-flight requests in one time-ordered pass.
  const traffic = opts.replay?.traffic[Symbol.iterator]() ?? generateTraffic(scenario);
  const arrive = (next: IteratorResult<SimRequest>): void => {
    if (next.done) {
      trafficDone = true;
      return idle();
    }
    const req = next.value;
    clock.schedule(origin + req.at - clock.now(), () => {
      void serve(req);
      arrive(traffic.next());
    });
  };
  cluster.start();
  arrive(traffic.next());
  await runClock(clock, () => trafficDone && inflight.size === 0);
  for (const req of inflight.values()) recorder.record(failedRow(req, "never_finished", clock.now() - origin - req.at));

  cluster.stop(); // a run cut short by requests that never finish
  recorder.sortRows();
  const summary = summariseRun({
    graph,
    scenario,
    policyName: opts.policyName,
    seed,
    origin,
    behaviour,
    recorder,
    cluster,
  });
  return { summary, rows: recorder.rows };
}

/** The pieces of one run that each request is served with. */
interface RunParts {
  graph: Graph;
  clock: ManualClock;
  cluster: Cluster;
  sim: ReturnType<typeof simulatedAdapters>;
  recorder: Recorder;
  origin: number;
  /** Keep each request's attempt trail in its row. */
  trails: boolean;
  /** Called after each request ends: stops the store's syncs once nothing is left to do. */
  idle: () => void;
}

/** Sends one request through the engine, reads its answer to the end and records its row. */
async function serveRequest(run: RunParts, req: SimRequest, inflight: Set<SimRequest>): Promise<void> {
  inflight.add(req);
  const instance: SimInstance = run.cluster.pick();
  const id = `sim-${req.seq}`;
  const startedAt = run.clock.now();
  run.sim.expect(id, req.outputTokens, 0);
  try {
    const dialect = req.dialect?.api ?? "chat";
    // answers belong to the declared key a request is made with (serve: the key presented)
    const cache = instance.cache.begin({
      graph: run.graph,
      dialect,
      body: req.body,
      headers: req.headers,
      key: req.key,
    });
    // no signal: no client can leave a simulated request
    const outcome = cache.settle(
      await instance.engine.chat({
        id,
        route: req.route,
        body: req.body,
        headers: req.headers,
        receivedAt: startedAt,
        key: req.key,
        onMatched: cache.hook,
      }),
    );
    const atResponse = run.trails
      ? { atResponse: attemptTrail(outcome.meta.attempts), servedAtResponse: outcome.meta.servedModel }
      : null;
    // A dialect request's answer goes back through the same translation serve writes.
    const answer = req.dialect ? dialectAnswer(req.dialect, id, Math.floor(startedAt / 1000)) : null;
    const firstChunkAt = outcome.kind === "stream" ? run.clock.now() : null;
    let text = ""; // what the client read, kept only with trails
    const { ok, errorKind } = await readOutcome(outcome, answer, atResponse ? (t) => void (text += t) : null);
    const row = Recorder.row(
      outcome.meta,
      req.seq,
      startedAt - run.origin,
      req.stream,
      ok,
      errorKind,
      run.clock.now(),
      firstChunkAt,
      startedAt,
    );
    if (atResponse)
      row.trail = {
        ...atResponse,
        final: attemptTrail(outcome.meta.attempts),
        attempts: outcome.meta.attempts,
        skipped: outcome.meta.skipped,
        text,
      };
    run.recorder.record(row);
    run.cluster.record(instance, row);
  } catch (err) {
    // The engine promises outcomes, not exceptions; if one escapes it is counted, not hidden.
    run.recorder.record(
      failedRow(req, `engine_threw:${err instanceof Error ? err.name : "unknown"}`, run.clock.now() - startedAt),
    );
  } finally {
    run.sim.forget(id);
    inflight.delete(req);
    run.idle();
  }
}

/**
 * Whether an outcome ended well: a stream is read to its end, and its error event counts. `collect`
 * gets the answer's text (the first choice's), as the client read it.
 */
async function readOutcome(
  outcome: ChatOutcome,
  answer: DialectAnswer | null,
  collect: ((text: string) => void) | null,
): Promise<{ ok: boolean; errorKind: string | null }> {
  if (outcome.kind === "completion") {
    answer?.completion(outcome.body);
    collect?.(outcome.body.choices[0]?.message.content ?? "");
  }
  if (outcome.kind !== "stream") return { ok: outcome.kind !== "error", errorKind: null };
  let ok = true;
  for await (const event of outcome.events) {
    answer?.event(event);
    if (event.type === "error") ok = false;
    else if (collect && event.type === "chunk") collect(event.chunk.choices[0]?.delta.content ?? "");
  }
  return { ok, errorKind: ok ? null : "stream_error" };
}

/** Runs the virtual clock until `done`, or until nothing is left to fire while requests still wait. */
async function runClock(clock: ManualClock, done: () => boolean): Promise<void> {
  for (let idleDrains = 0; !done(); ) {
    if (clock.pending() > 0) {
      await clock.runUntilIdle();
      idleDrains = 0;
    } else {
      await clock.drain();
      // Nothing left to fire yet requests are open: they wait on something that never comes.
      if (++idleDrains > 100) break;
    }
  }
}

function failedRow(req: SimRequest, errorKind: string, latencyMs: number) {
  return {
    seq: req.seq,
    arrivedAt: req.at,
    route: req.route,
    stream: req.stream,
    ok: false,
    status: 500,
    errorKind,
    servedModel: null,
    attempts: 0,
    failovers: 0,
    continuations: 0,
    latencyMs,
    ttftMs: null,
    costUsd: 0,
  };
}
