// `switchyard simulate --conformance <policy.route> [--route NAME] [--json]`: the fault conformance
// pack (src/simulate/conformance). Exit codes: 0 no case failed, 1 a case failed, 2 usage or input
// error (a policy that does not compile, an unknown route).
import { parseArgs } from "node:util";
import { renderDiagnostics } from "../check/render/index.ts";
import { compilePolicyFile } from "../compile/index.ts";
import { processIo, type CliIo } from "../simulate/cli.ts";
import { renderScorecard, renderScorecardJson } from "../simulate/conformance/render.ts";
import { runConformance } from "../simulate/conformance/run.ts";

export const CONFORMANCE_USAGE = `usage: switchyard simulate --conformance <policy.route> [options]
  --route NAME        only this route (default: every route)
  --json              print the scorecard as JSON
exit codes: 0 no case failed, 1 a case failed, 2 usage or input error
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      conformance: { type: "string" },
      route: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

export async function runConformanceCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0]!.replace(/^./, (c) => c.toLowerCase()) : "";
    io.stderr(`error: ${message}\n\n${CONFORMANCE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(CONFORMANCE_USAGE);
    return 0;
  }
  const policyPath = values.conformance;
  if (!policyPath) {
    io.stderr(`error: \`--conformance\` needs a policy file\n\n${CONFORMANCE_USAGE}`);
    return 2;
  }
  const compiled = await compilePolicyFile(policyPath);
  if (compiled.graph === null) {
    const sources = new Map([[policyPath, compiled.source]]);
    io.stderr(renderDiagnostics(compiled.diagnostics, "human", sources, { color: io.color }));
    return 2;
  }
  const routes = compiled.graph.routes.filter((r) => !r.direct).map((r) => r.name);
  if (values.route !== undefined && !routes.includes(values.route)) {
    const known = routes.map((r) => `\`${r}\``).join(", ");
    io.stderr(`error: the policy has no route \`${values.route}\`; its routes are ${known}\n`);
    return 2;
  }
  const card = await runConformance(compiled.graph, policyPath, values.route);
  io.stdout(values.json ? renderScorecardJson(card) : renderScorecard(card, { color: io.color }));
  return card.passed ? 0 : 1;
}
