// Simulator throughput: simulated requests per second of wall time for a policy with breakers,
// retries and failover (the offline default policy, whose primary goes down every two minutes),
// next to a baseline in the same run: a bare loop sending the same arrivals straight to the
// simulated adapter on the same virtual clock, with no engine in between. The ratio says what the
// engine and the simulator's bookkeeping cost on top of the upstream simulation itself.
//   bun bench/simulate-bench.ts [--minutes N] [--rate R]
import { parseArgs } from "node:util";
import { compilePolicyFile } from "../src/compile/index.ts";
import type { ModelNode, ProviderNode } from "../src/compile/graph.ts";
import { createSimulatedAdapter } from "../src/providers/index.ts";
import { ManualClock } from "../src/runtime/manual-clock.ts";
import { SeededRandom } from "../src/runtime/seeded-random.ts";
import type { UpstreamCall } from "../src/runtime/upstream.ts";
import { runSimulation } from "../src/simulate/run.ts";
import { parseScenario } from "../src/simulate/scenario-load.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { minutes: { type: "string" }, rate: { type: "string" } } });
const minutes = Number(values.minutes ?? 60);
const rate = Number(values.rate ?? 100);
const OUTPUT_TOKENS = 32;

const compiled = await compilePolicyFile(`${import.meta.dir}/../policies/default.route`);
if (compiled.graph === null) throw new Error("policies/default.route does not compile");
const graph = compiled.graph;
const loaded = parseScenario(`duration: ${minutes}m
seed: 1
traffic:
  - { route: chat, rate: ${rate}/s, arrival: constant, output_tokens: ${OUTPUT_TOKENS}, mix: { stream: 20% } }
`);
if (!loaded.ok) throw new Error("bench scenario is invalid");
const expected = Math.round(minutes * 60 * rate);

async function simulated(): Promise<{ requests: number; ms: number; failovers: number; breakers: number }> {
  const t0 = performance.now();
  const s = await runSimulation({ graph, scenario: loaded.ok ? loaded.scenario : (undefined as never), policyName: "default" });
  return { requests: s.totals.requests, ms: performance.now() - t0, failovers: s.totals.failovers, breakers: s.breakers.length };
}

/** The same arrivals on the same clock, each one call to the simulated adapter and nothing else. */
async function baseline(): Promise<{ requests: number; ms: number }> {
  const t0 = performance.now();
  const clock = new ManualClock(0);
  const ports = { clock, random: new SeededRandom(1), transport: { fetch: () => Promise.reject(new Error("no network")) }, secrets: { get: () => undefined } };
  const adapter = createSimulatedAdapter(() => ({ ttftMs: 150, perTokenMs: 8, outputTokens: OUTPUT_TOKENS, fault: null }));
  const provider = graph.providers[0] as ProviderNode;
  const model = graph.models.find((m) => m.provider === provider.name) as ModelNode;
  const signal = new AbortController().signal;
  const gap = 1000 / rate;
  let done = 0;
  const one = async (i: number): Promise<void> => {
    const call: UpstreamCall = { provider, model, body: { model: model.upstream, messages: [{ role: "user", content: "hello there" }] }, stream: i % 5 === 0, apiKey: undefined, headers: { "x-request-id": `b-${i}` }, signal };
    const reply = await adapter.chat(call, ports);
    if (reply.kind === "stream") for (let r = await reply.chunks.next(); !r.done; r = await reply.chunks.next());
    done++;
  };
  const arrive = (i: number): void => {
    if (i >= expected) return;
    void clock.sleep(i === 0 ? 0 : gap).then(() => {
      void one(i);
      arrive(i + 1);
    });
  };
  arrive(0);
  while (done < expected) {
    if (clock.pending() > 0) await clock.runUntilIdle();
    else await clock.drain();
  }
  return { requests: done, ms: performance.now() - t0 };
}

const perSec = (r: { requests: number; ms: number }) => (r.requests / r.ms) * 1000;
await simulated(); // warm-up: JIT and caches
const sim = await simulated();
const base = await baseline();
console.log(`simulated ${minutes}m at ${rate} req/s on policies/default.route (breakers, retries, failover; 20% streams, ${OUTPUT_TOKENS} tokens a reply)`);
console.log(`  simulate  ${sim.requests} requests in ${sim.ms.toFixed(0)}ms  = ${Math.round(perSec(sim))} req/s  (${sim.failovers} failovers, ${sim.breakers} breaker transitions)`);
console.log(`  baseline  ${base.requests} adapter calls in ${base.ms.toFixed(0)}ms  = ${Math.round(perSec(base))} req/s  (simulated adapter alone, same clock)`);
console.log(`  ratio     simulate runs at ${(perSec(sim) / perSec(base)).toFixed(2)}× the bare adapter loop; target 200000 req/s: ${perSec(sim) >= 200_000 ? "met" : "not met"}`);
