// `switchyard simulate <policy.route> <scenario.yaml> [--json] [--report out.html] [--seed N]
// [--state snapshot]`. Exit codes: 0 every expectation holds, 1 one fails, 2 usage or input error.
// `--replay` and `--compare` are handed to their own modules (replay/, compare/).
// Input problems are printed as messages with file and line, never as stack traces.
import { parseArgs } from "node:util";
import { renderDiagnostics } from "../check/render/index.ts";
import { compilePolicyFile } from "../compile/index.ts";
import type { Graph } from "../compile/graph.ts";
import type { RuntimeState } from "../runtime/api.ts";
import { pruneToGraph, readSnapshotFile } from "../state/index.ts";
import { renderHtml } from "./render-html.ts";
import { renderJson } from "./render-json.ts";
import { renderText } from "./render-text.ts";
import { simulateCompare } from "./compare/cli.ts";
import { simulateReplay } from "./replay/cli.ts";
import { runSimulation } from "./run.ts";
import { formatProblems, parseScenario } from "./scenario-load.ts";

export const SIMULATE_USAGE = `usage: switchyard simulate <policy.route> <scenario.yaml> [options]
  --json              print the results as JSON (stable for the same policy, scenario and seed)
  --report FILE       also write a self-contained HTML report
  --seed N            override the scenario's seed
  --state FILE        start from a runtime state snapshot (breakers, quotas, windows)
       switchyard simulate --compare <old.route> <new.route> <scenario.yaml> [options]
                      play the same traffic and upstream behaviour through both; print them side by side
  --fail-on LIST      exit 1 when the new policy is worse on these metrics, e.g. success,p95+10%,cost+10%
  --diffs N           how many requests that ended differently to show with both trails (default 10)
       switchyard simulate --replay requests.log <policy.route> [--speed X] [--window FROM..TO]
                      replay serve's JSON request log through the policy; prints agreement with the log
       switchyard simulate --conformance <policy.route> [--route NAME] [--json]
                      run the fault conformance pack (docs/simulate.md#fault-conformance-pack)
exit codes: 0 all expectations hold, 1 an expectation failed, 2 usage or input error
            (--compare: 0 no gate failed, 1 a gated metric is worse, 2 usage or input error)
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
}

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
};

class InputError extends Error {}

export async function runSimulateCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await simulate(argv, io);
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    io.stderr(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 70;
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        report: { type: "string" },
        seed: { type: "string" },
        state: { type: "string" },
        replay: { type: "string" },
        speed: { type: "string" },
        window: { type: "string" },
        compare: { type: "boolean" },
        "fail-on": { type: "string" },
        diffs: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : "";
    const option = /option '(--[a-z-]+)/i.exec(message)?.[1];
    const what = option
      ? /unknown/i.test(message)
        ? `unknown option \`${option}\``
        : `option \`${option}\` needs a value`
      : "cannot read the command line";
    throw new InputError(`${what}\n\n${SIMULATE_USAGE}`);
  }
}

async function simulate(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout(SIMULATE_USAGE);
    return 0;
  }
  if (values.compare) return simulateCompare(values, positionals, io);
  if (values["fail-on"] !== undefined || values.diffs !== undefined)
    throw new InputError(`\`--fail-on\` and \`--diffs\` belong to \`--compare\`\n\n${SIMULATE_USAGE}`);
  if (values.replay !== undefined) return simulateReplay({ ...values, replay: values.replay }, positionals, io);
  if (positionals.length !== 2)
    throw new InputError(
      `\`simulate\` needs a policy file and a scenario file, got ${positionals.length} file${positionals.length === 1 ? "" : "s"}\n\n${SIMULATE_USAGE}`,
    );
  const [policyPath, scenarioPath] = positionals;
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed))
      throw new InputError(`\`--seed\` takes a whole number, got \`${values.seed}\``);
  }

  const compiled = await compilePolicyFile(policyPath);
  if (compiled.graph === null) {
    io.stderr(
      renderDiagnostics(compiled.diagnostics, "human", new Map([[policyPath, compiled.source]]), { color: io.color }),
    );
    return 2;
  }
  const graph = compiled.graph;

  let text: string;
  try {
    text = await Bun.file(scenarioPath).text();
  } catch {
    throw new InputError(`cannot read scenario file \`${scenarioPath}\``);
  }
  const loaded = parseScenario(text, scenarioPath.replace(/^.*\//, "").replace(/\.ya?ml$/, ""), {
    routes: graph.routes.map((r) => r.name),
    models: graph.models.map((m) => m.name),
    providers: graph.providers.map((p) => p.name),
  });
  if (!loaded.ok) {
    io.stderr(formatProblems(scenarioPath, loaded.problems) + "\n");
    return 2;
  }

  const start = values.state === undefined ? null : await loadState(values.state, graph);
  const summary = await runSimulation({
    graph,
    scenario: loaded.scenario,
    policyName: policyPath,
    seed,
    state: start?.state,
    startAt: start?.at,
  });

  if (values.report !== undefined) {
    try {
      await Bun.write(values.report, renderHtml(summary));
    } catch {
      throw new InputError(`cannot write the report to \`${values.report}\``);
    }
  }
  io.stdout(values.json ? renderJson(summary) : renderText(summary, { color: io.color }));
  return summary.passed ? 0 : 1;
}

/** A snapshot, read without touching the file, trimmed to this policy; the run's clock starts where it was written. */
async function loadState(path: string, graph: Graph): Promise<{ state: RuntimeState; at: number }> {
  const read = await readSnapshotFile(path);
  switch (read.kind) {
    case "absent":
      throw new InputError(`state file \`${path}\` does not exist`);
    case "unreadable":
      throw new InputError(read.message);
    case "bad":
      throw new InputError(`state file \`${path}\` cannot be used: ${read.message}`);
    case "ok":
      return { state: pruneToGraph(read.document.state, graph).state, at: read.document.writtenAt };
  }
}
