// `switchyard simulate --replay requests.log policy.route [--speed X] [--window FROM..TO]`: replays
// the request log `serve` wrote through a policy and prints how the outcome agrees with the log,
// then the usual simulate summary (or both as JSON). Exit codes as for simulate: 0 done, 2 input error.
import { renderDiagnostics } from "../../check/render/index.ts";
import { compilePolicyFile } from "../../compile/index.ts";
import type { CliIo } from "../cli.ts";
import { durationMs } from "../policy-values.ts";
import { renderHtml } from "../render-html.ts";
import { renderText } from "../render-text.ts";
import { readRequestLog } from "./log-read.ts";
import { renderReplayText } from "./render.ts";
import { runReplay } from "./run-replay.ts";

export interface ReplayArgs {
  replay: string;
  speed?: string;
  window?: string;
  json?: boolean;
  report?: string;
  seed?: string;
}

class ReplayInputError extends Error {}

export async function simulateReplay(args: ReplayArgs, positionals: string[], io: CliIo): Promise<number> {
  try {
    return await replay(args, positionals, io);
  } catch (err) {
    if (!(err instanceof ReplayInputError)) throw err;
    io.stderr(`error: ${err.message}\n`);
    return 2;
  }
}

async function replay(args: ReplayArgs, positionals: string[], io: CliIo): Promise<number> {
  if (positionals.length !== 1)
    throw new ReplayInputError(`\`simulate --replay LOG\` needs one policy file, got ${positionals.length}`);
  const speed = args.speed === undefined ? 1 : Number(args.speed);
  if (!(speed > 0 && Number.isFinite(speed)))
    throw new ReplayInputError(`\`--speed\` takes a number above 0, got \`${args.speed}\``);
  const window = args.window === undefined ? undefined : parseWindow(args.window);
  const [policyPath] = positionals;
  const compiled = await compilePolicyFile(policyPath);
  if (compiled.graph === null) {
    const sources = new Map([[policyPath, compiled.source]]);
    io.stderr(renderDiagnostics(compiled.diagnostics, "human", sources, { color: io.color }));
    return 2;
  }
  let text: string;
  try {
    text = await Bun.file(args.replay).text();
  } catch {
    throw new ReplayInputError(`cannot read the request log \`${args.replay}\``);
  }
  const log = readRequestLog(text);
  const routes = new Set(compiled.graph.routes.map((r) => r.name));
  const unknown = log.requests.filter((r) => !routes.has(r.route)).length;
  if (unknown > 0) {
    log.skipped["route not in the policy"] = unknown;
    log.requests = log.requests.filter((r) => routes.has(r.route));
  }
  if (log.requests.length === 0)
    throw new ReplayInputError(`\`${args.replay}\` has no request lines to replay (serve writes them to stdout)`);
  const seed = args.seed === undefined ? undefined : Number(args.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed))
    throw new ReplayInputError(`\`--seed\` takes a whole number, got \`${args.seed}\``);
  const logName = args.replay.replace(/^.*\//, "");
  const result = await runReplay({
    graph: compiled.graph,
    requests: log.requests,
    policyName: policyPath,
    logName,
    speed,
    window,
    seed,
  });
  if (args.report !== undefined) {
    try {
      await Bun.write(args.report, renderHtml(result.summary));
    } catch {
      throw new ReplayInputError(`cannot write the report to \`${args.report}\``);
    }
  }
  const header = { log: logName, skipped: log.skipped, speed, window: args.window ?? "all" };
  io.stdout(
    args.json
      ? `${JSON.stringify({ replay: { ...header, agreement: result.agreement }, ...result.summary }, null, 2)}\n`
      : renderReplayText(header, result.agreement) + renderText(result.summary, { color: io.color }),
  );
  return 0;
}

/** `5m..15m`, `..10m` or `30s..`: durations after the log's first request. */
function parseWindow(text: string): { fromMs: number; toMs: number } {
  const m = /^([^.]*)\.\.([^.]*)$/.exec(text.trim());
  const from = m ? (m[1] === "" ? 0 : durationMs(m[1])) : null;
  const to = m ? (m[2] === "" ? Infinity : durationMs(m[2])) : null;
  if (from === null || to === null || to <= from)
    throw new ReplayInputError(
      `\`--window\` takes FROM..TO, durations after the log's first request (\`5m..15m\`, \`..10m\`, \`30s..\`), got \`${text}\``,
    );
  return { fromMs: from, toMs: to };
}
