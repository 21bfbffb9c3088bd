// Shared helpers for simulator tests: compile a policy once, parse an inline scenario, run it.
import { compilePolicyFile } from "../../src/compile/index.ts";
import type { Graph } from "../../src/compile/graph.ts";
import { runSimulateCli } from "../../src/simulate/cli.ts";
import { runSimulation } from "../../src/simulate/run.ts";
import { formatProblems, parseScenario } from "../../src/simulate/scenario-load.ts";
import type { Scenario } from "../../src/simulate/scenario-types.ts";
import type { Summary } from "../../src/simulate/summary.ts";

export const TWO_MODELS = `${import.meta.dir}/fixtures/two-models.route`;
const graphs = new Map<string, Graph>();

export async function graphOf(path: string): Promise<Graph> {
  let g = graphs.get(path);
  if (g === undefined) {
    const compiled = await compilePolicyFile(path);
    if (compiled.graph === null)
      throw new Error(`fixture policy does not compile: ${JSON.stringify(compiled.diagnostics.map((d) => d.message))}`);
    graphs.set(path, (g = compiled.graph));
  }
  return g;
}

export function scenario(yaml: string): Scenario {
  const r = parseScenario(yaml, "test");
  if (!r.ok) throw new Error(formatProblems("test", r.problems));
  return r.scenario;
}

export async function simulate(yaml: string, opts: { policy?: string; seed?: number } = {}): Promise<Summary> {
  const graph = await graphOf(opts.policy ?? TWO_MODELS);
  return runSimulation({ graph, scenario: scenario(yaml), policyName: "two-models", seed: opts.seed });
}

/** Runs `switchyard simulate` with these arguments, collecting what it prints. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runSimulateCli(argv, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    color: false,
  });
  return { code, out, err };
}
