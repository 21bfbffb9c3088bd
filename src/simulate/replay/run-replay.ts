// Replays a request log through a policy on the simulate engine: the log's requests are the traffic,
// the log's attempts are the upstreams' script, and the run itself is runScenario's, the same
// engine, clock and recorder a scenario gets. Nothing here routes.
import type { Graph } from "../../compile/graph.ts";
import { runScenario } from "../run.ts";
import type { Scenario } from "../scenario-types.ts";
import type { Summary } from "../summary.ts";
import { agreementOf, type Agreement } from "./agreement.ts";
import type { LoggedRequest } from "./log-read.ts";
import { ReplayBehaviour, attemptsByModel, scriptedAttempts } from "./script.ts";
import { replayTraffic } from "./traffic.ts";

export interface ReplayOptions {
  graph: Graph;
  /** The log's replayable requests, in arrival order. */
  requests: readonly LoggedRequest[];
  policyName: string;
  logName: string;
  /** Replay this many times faster (arrivals and the upstreams' timeline; not their latencies). */
  speed?: number;
  /** Only requests arriving in [fromMs, toMs) after the log's first arrival. */
  window?: { fromMs: number; toMs: number };
  seed?: number;
}

export interface ReplayResult {
  summary: Summary;
  agreement: Agreement;
  /** The requests replayed (those in the window). */
  requests: readonly LoggedRequest[];
}

export async function runReplay(opts: ReplayOptions): Promise<ReplayResult> {
  const speed = opts.speed ?? 1;
  const first = opts.requests[0]?.arrivedAt ?? 0;
  const fromMs = opts.window?.fromMs ?? 0;
  const toMs = opts.window?.toMs ?? Infinity;
  const origin = first + fromMs;
  const picked = opts.requests.filter((r) => r.arrivedAt - first >= fromMs && r.arrivedAt - first < toMs);
  // every attempt of the log, window or not, says how its model behaved at its time
  const byModel = attemptsByModel(opts.requests.map((r) => scriptedAttempts(r, origin, speed)));
  const own = picked.map((r) => scriptedAttempts(r, origin, speed));
  const traffic = replayTraffic(picked, origin, speed);
  const last = picked.at(-1);
  const scenario: Scenario = {
    name: opts.logName,
    seed: opts.seed ?? 1,
    durationMs: last === undefined ? 0 : Math.ceil((last.arrivedAt - origin) / speed + last.durationMs),
    traffic: [],
    providers: {},
    models: {},
    expect: [],
  };
  const { summary, rows } = await runScenario({
    graph: opts.graph,
    scenario,
    policyName: opts.policyName,
    replay: { traffic, upstream: (_random, clockOrigin) => new ReplayBehaviour(own, byModel, clockOrigin) },
  });
  return { summary, agreement: agreementOf(picked, rows), requests: picked };
}
