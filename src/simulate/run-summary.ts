// The end of a simulation: the expectations checked against what was recorded, and the summary
// the renderers read. With several instances, caches and key usage are summed over them, as an
// operator adding up every instance's /admin/state would.
import type { CacheStats } from "../cache/response-cache.ts";
import type { Graph } from "../compile/graph.ts";
import type { AccessCounters } from "../runtime/api.ts";
import { timingFromGraph } from "../state/index.ts";
import { cacheSummary } from "./cache-report.ts";
import { instancesReport } from "./cluster-report.ts";
import { checkExpectations } from "./expectations.ts";
import type { Cluster } from "./instances.ts";
import type { Recorder } from "./recorder.ts";
import type { Scenario } from "./scenario-types.ts";
import { summarise, type Summary } from "./summary.ts";
import type { UpstreamSource } from "./upstream-behaviour.ts";

export interface RunRecord {
  graph: Graph;
  scenario: Scenario;
  policyName: string;
  seed: number;
  origin: number;
  behaviour: UpstreamSource;
  recorder: Recorder;
  cluster: Cluster;
}

export function summariseRun(run: RunRecord): Summary {
  const { graph, scenario, recorder, cluster } = run;
  const instances = cluster.instances;
  const caching = instances[0]!.cache.graphCaches(graph);
  const cache = caching ? cacheSummary(sumStats(instances.map((i) => i.cache.stats()))) : null;
  const faults = new Map(graph.models.map((m) => [m.name, run.behaviour.faultsOf(m)]));
  const timing = timingFromGraph(graph);
  const expectations = checkExpectations(scenario.expect, {
    recorder,
    faultsOf: (model) => faults.get(model) ?? [],
    knownModels: new Set(graph.models.map((m) => m.name)),
    access: accessOf(
      graph,
      instances.map((i) => i.engine.state().access),
    ),
    cache,
    probes: cluster.probes,
    cooldownMs: (model) => timing.cooldownMs(model),
  });
  const report = instancesReport(cluster, graph, recorder.rows, run.origin);
  return {
    ...summarise({
      policy: run.policyName,
      scenario: scenario.name,
      seed: run.seed,
      durationMs: scenario.durationMs,
      graph,
      recorder,
      expectations,
      cache,
    }),
    ...(report ? { instances: report } : {}),
  };
}

function sumStats(all: CacheStats[]): CacheStats {
  if (all.length === 1) return all[0]!;
  const out = { ...all[0]! };
  for (const s of all.slice(1)) for (const k of Object.keys(out) as (keyof CacheStats)[]) out[k] += s[k];
  return out;
}

/** Per key and team usage at the end of the run, by `key:<name>` / `team:<name>`; only declared ones. */
function accessOf(
  graph: Graph,
  perInstance: (Record<string, AccessCounters> | undefined)[],
): ReadonlyMap<string, AccessCounters> {
  const out = new Map<string, AccessCounters>();
  const declared = [
    ...(graph.keys ?? []).map((k) => `key:${k.name}`),
    ...(graph.teams ?? []).map((t) => `team:${t.name}`),
  ];
  for (const id of declared) {
    for (const access of perInstance) {
      const c = access?.[id];
      if (!c) continue;
      const sum = out.get(id);
      if (!sum) out.set(id, { ...c });
      else for (const k of Object.keys(sum) as (keyof AccessCounters)[]) sum[k] += c[k];
    }
  }
  return out;
}
