// Simulator throughput: simulated requests per second of wall time for a policy with breakers,
// retries and failover (the offline default policy, whose primary goes down every two minutes),
// next to a baseline in the same run: a bare loop sending the same arrivals straight to the
// simulated adapter on the same virtual clock, with no engine in between. The ratio says what the
// engine and the simulator's bookkeeping cost on top of the upstream simulation itself. Both sides
// group stream tokens the same way (the simulator's chunk spacing for this policy). Next to wall
// time it prints process CPU time, steadier than wall time on a machine shared with other work.
//   bun bench/simulate-bench.ts [--minutes N] [--rate R]
import { parseArgs } from "node:util";
import { compilePolicyFile } from "../src/compile/index.ts";
import type { ModelNode, ProviderNode } from "../src/compile/graph.ts";
import { createSimulatedAdapter } from "../src/providers/index.ts";
import { ManualClock } from "../src/ports/manual-clock.ts";
import { SeededRandom } from "../src/ports/seeded-random.ts";
import type { UpstreamCall } from "../src/runtime/upstream.ts";
import { streamChunkMs } from "../src/simulate/chunking.ts";
import { runSimulation } from "../src/simulate/run.ts";
import { parseScenario } from "../src/simulate/scenario-load.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { minutes: { type: "string" }, rate: { type: "string" } },
});
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

interface Timing {
  requests: number;
  ms: number; // wall
  cpuMs: number; // user + system of the whole process (includes GC threads)
}

function timer(): (requests: number) => Timing {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return (requests) => {
    const c = process.cpuUsage(c0);
    return { requests, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
}

async function simulated(): Promise<Timing & { failovers: number; breakers: number }> {
  const done = timer();
  const s = await runSimulation({
    graph,
    scenario: loaded.ok ? loaded.scenario : (undefined as never),
    policyName: "default",
  });
  return { ...done(s.totals.requests), failovers: s.totals.failovers, breakers: s.breakers.length };
}

/** The same arrivals on the same clock, each one call to the simulated adapter and nothing else. */
async function baseline(): Promise<Timing> {
  const finish = timer();
  const clock = new ManualClock(0, { lazyAbort: true }); // as the simulator's
  const ports = {
    clock,
    random: new SeededRandom(1),
    transport: { fetch: () => Promise.reject(new Error("no network")) },
    secrets: { get: () => undefined },
  };
  const chunkMs = streamChunkMs(graph);
  const adapter = createSimulatedAdapter(() => ({
    ttftMs: 150,
    perTokenMs: 8,
    outputTokens: OUTPUT_TOKENS,
    fault: null,
    chunkMs,
  }));
  const provider = graph.providers[0] as ProviderNode;
  const model = graph.models.find((m) => m.provider === provider.name) as ModelNode;
  const signal = new AbortController().signal;
  const gap = 1000 / rate;
  let done = 0;
  const one = async (i: number): Promise<void> => {
    const call: UpstreamCall = {
      provider,
      model,
      body: { model: model.upstream, messages: [{ role: "user", content: "hello there" }] },
      stream: i % 5 === 0,
      apiKey: undefined,
      headers: { "x-request-id": `b-${i}` },
      signal,
    };
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
  return finish(done);
}

const perSec = (r: Timing) => (r.requests / r.ms) * 1000;
const perCpuSec = (r: Timing) => `${Math.round((r.requests / r.cpuMs) * 1000)} per cpu-s`;
await simulated(); // warm-up: JIT and caches
const sim = await simulated();
const base = await baseline();
console.log(
  `simulated ${minutes}m at ${rate} req/s on policies/default.route (breakers, retries, failover; 20% streams, ${OUTPUT_TOKENS} tokens a reply)`,
);
console.log(
  `  simulate  ${sim.requests} requests in ${sim.ms.toFixed(0)}ms  = ${Math.round(perSec(sim))} req/s, ${perCpuSec(sim)}  (${sim.failovers} failovers, ${sim.breakers} breaker transitions)`,
);
console.log(
  `  baseline  ${base.requests} adapter calls in ${base.ms.toFixed(0)}ms  = ${Math.round(perSec(base))} req/s, ${perCpuSec(base)}  (simulated adapter alone, same clock)`,
);
const cpuRatio = base.cpuMs / base.requests / (sim.cpuMs / sim.requests);
console.log(
  `  ratio     simulate runs at ${(perSec(sim) / perSec(base)).toFixed(2)}× the bare adapter loop (${cpuRatio.toFixed(2)}× by CPU time); target 200000 req/s: ${perSec(sim) >= 200_000 ? "met" : "not met"}`,
);
