// `switchyard simulate --compare old.route new.route scenario.yaml [--fail-on LIST] [--diffs N]
// [--json] [--report FILE] [--seed N]`. Exit codes: 0 no gate failed, 1 a gated metric got worse,
// 2 usage or input error (printed as a message, never a stack trace).
import { renderDiagnostics } from "../../check/render/index.ts";
import { compilePolicyFile } from "../../compile/index.ts";
import type { Graph } from "../../compile/graph.ts";
import type { CliIo } from "../cli.ts";
import { formatProblems, parseScenario } from "../scenario-load.ts";
import type { Scenario } from "../scenario-types.ts";
import { comparePolicies } from "./compare.ts";
import { judgeGates, parseGates, type Gate } from "./gate.ts";
import { renderCompareHtml } from "./render-html.ts";
import { renderCompareJson } from "./render-json.ts";
import { renderCompareText } from "./render-text.ts";

export interface CompareArgs {
  json?: boolean;
  report?: string;
  seed?: string;
  state?: string;
  replay?: string;
  "fail-on"?: string;
  diffs?: string;
}

class CompareInputError extends Error {
  /** `formatted`: the message is already a set of `error:` lines (scenario problems with their lines). */
  constructor(
    message: string,
    readonly formatted = false,
  ) {
    super(message);
  }
}

const DEFAULT_DIFFS = 10;

export async function simulateCompare(args: CompareArgs, positionals: string[], io: CliIo): Promise<number> {
  try {
    return await compare(args, positionals, io);
  } catch (err) {
    if (!(err instanceof CompareInputError)) throw err;
    io.stderr(err.formatted ? `${err.message}\n` : `error: ${err.message}\n`);
    return 2;
  }
}

async function compare(args: CompareArgs, positionals: string[], io: CliIo): Promise<number> {
  const { gates, diffs, seed } = readOptions(args, positionals);
  const [oldPath, newPath, scenarioPath] = positionals as [string, string, string];
  const oldGraph = await compile(oldPath, io);
  const newGraph = oldGraph && (await compile(newPath, io));
  if (!oldGraph || !newGraph) return 2;
  const scenario = await loadScenario(scenarioPath, oldGraph, newGraph, oldPath, newPath);
  const comparison = await comparePolicies({
    old: { graph: oldGraph, name: oldPath },
    new: { graph: newGraph, name: newPath },
    scenario,
    seed,
    diffs,
  });
  const results = judgeGates(gates, comparison);
  if (args.report !== undefined) {
    try {
      await Bun.write(args.report, renderCompareHtml(comparison, results));
    } catch {
      throw new CompareInputError(`cannot write the report to \`${args.report}\``);
    }
  }
  io.stdout(
    args.json ? renderCompareJson(comparison, results) : renderCompareText(comparison, results, { color: io.color }),
  );
  return results.some((r) => r.failed) ? 1 : 0;
}

function readOptions(args: CompareArgs, positionals: string[]): { gates: Gate[]; diffs: number; seed?: number } {
  if (positionals.length !== 3)
    throw new CompareInputError(
      `\`simulate --compare\` needs two policy files and a scenario file (old.route new.route scenario.yaml), got ${positionals.length} file${positionals.length === 1 ? "" : "s"}`,
    );
  if (args.replay !== undefined || args.state !== undefined)
    throw new CompareInputError(
      `\`--compare\` plays a scenario; it does not take \`${args.replay !== undefined ? "--replay" : "--state"}\``,
    );
  const whole = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
      throw new CompareInputError(`\`${flag}\` takes a whole number, got \`${text}\``);
    return n;
  };
  const parsed = args["fail-on"] === undefined ? { ok: true as const, gates: [] } : parseGates(args["fail-on"]);
  if (!parsed.ok) throw new CompareInputError(parsed.error);
  return {
    gates: parsed.gates,
    diffs: whole("--diffs", args.diffs) ?? DEFAULT_DIFFS,
    seed: whole("--seed", args.seed),
  };
}

async function compile(path: string, io: CliIo): Promise<Graph | null> {
  const compiled = await compilePolicyFile(path);
  if (compiled.graph === null)
    io.stderr(
      renderDiagnostics(compiled.diagnostics, "human", new Map([[path, compiled.source]]), { color: io.color }),
    );
  return compiled.graph;
}

/**
 * The scenario, checked against both policies: each traffic route must exist in both; a model or
 * provider it scripts may belong to either (the new policy may drop or add one).
 */
async function loadScenario(path: string, a: Graph, b: Graph, aPath: string, bPath: string): Promise<Scenario> {
  let text: string;
  try {
    text = await Bun.file(path).text();
  } catch {
    throw new CompareInputError(`cannot read scenario file \`${path}\``);
  }
  const name = path.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
  const plain = parseScenario(text, name);
  if (!plain.ok) throw new CompareInputError(formatProblems(path, plain.problems), true);
  const union = (pick: (g: Graph) => string[]) => [...new Set([...pick(a), ...pick(b)])];
  const models = union((g) => g.models.map((m) => m.name));
  const providers = union((g) => g.providers.map((p) => p.name));
  for (const [graph, policyPath] of [
    [a, aPath],
    [b, bPath],
  ] as const) {
    const routes = graph.routes.map((r) => r.name);
    const loaded = parseScenario(text, name, { routes, models, providers });
    if (!loaded.ok)
      throw new CompareInputError(
        `${formatProblems(path, loaded.problems)}\n  (checked against \`${policyPath}\`)`,
        true,
      );
  }
  return plain.scenario;
}
