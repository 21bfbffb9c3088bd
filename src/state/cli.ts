// `switchyard state show|convert`: inspect a snapshot or change its format without starting a
// gateway. Read-only on the input (a bad file is reported, never moved aside); exit 2 for usage,
// I/O and unreadable-file errors, each as one lowercase line.
import { parseArgs } from "node:util";
import { compilePolicyFile } from "../compile/index.ts";
import type { Graph } from "../compile/graph.ts";
import { atomicWrite } from "./atomic-write.ts";
import { encodeSnapshot } from "./codec.ts";
import { STATE_FORMATS, formatForPath, parseStateFormat } from "./format.ts";
import { describeIoError } from "./io-error.ts";
import { readSnapshotFile } from "./read-snapshot.ts";
import { renderSnapshot } from "./show.ts";
import { isRedisTarget, showShared } from "./show-shared.ts";

export interface StateCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where `--redis-env` reads from (default: process.env). */
  env?: (name: string) => string | undefined;
}

const processIo: StateCliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export const STATE_USAGE = `usage:
  switchyard state show <file> [--json] [--policy <policy.route>]
        people-readable breakers, quotas, windows and counters (--json: the raw document;
        --policy: quota limits, and cool-downs from that policy instead of the ones
        the gateway recorded in the snapshot)
  switchyard state show redis://host:port (--prefix <p> | --policy <policy.route>) [--json]
  switchyard state show --redis-env <NAME> (--prefix <p> | --policy <policy.route>) [--json]
        the shared state of a cluster in Redis: breakers, probe leases, quota totals,
        each instance's window, sticky sessions (a url with a password: only through
        --redis-env, never on the command line)
  switchyard state convert <in> <out> [--to msgpack|json|yaml]
        rewrite a snapshot in another format (default: from <out>'s extension, else msgpack)
`;

class StateUsageError extends Error {}

/** `argv` is what follows `state` on the command line. Returns the exit code. */
export async function runStateCli(argv: readonly string[], io: StateCliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === "show") return await show(rest, io);
    if (command === "convert") return await convert(rest, io);
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      io.stdout(STATE_USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new StateUsageError(`unknown state command \`${command}\` (expected \`show\` or \`convert\`)`);
  } catch (err) {
    if (err instanceof StateUsageError) {
      io.stderr(`error: ${err.message}\n\n${STATE_USAGE}`);
    } else {
      io.stderr(`error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`);
    }
    return 2;
  }
}

function options(argv: readonly string[], spec: Record<string, { type: "string" | "boolean" }>) {
  try {
    return parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new StateUsageError(`unknown option \`${unknown[1]}\``);
    throw new StateUsageError(
      message
        .split("\n")[0]
        .replace(/^\w/, (c) => c.toLowerCase())
        .replace(/\.$/, ""),
    );
  }
}

async function readOrFail(path: string, io: StateCliIo) {
  const read = await readSnapshotFile(path);
  if (read.kind === "ok") return read;
  const reason = read.kind === "absent" ? "no such file" : read.message;
  io.stderr(`error: cannot read state file \`${path}\`: ${reason}\n`);
  return null;
}

async function show(argv: readonly string[], io: StateCliIo): Promise<number> {
  const { values, positionals } = options(argv, {
    json: { type: "boolean" },
    policy: { type: "string" },
    prefix: { type: "string" },
    "redis-env": { type: "string" },
  });
  const policy = typeof values.policy === "string" ? values.policy : undefined;
  const redisEnv = typeof values["redis-env"] === "string" ? values["redis-env"] : undefined;
  if (redisEnv !== undefined || isRedisTarget(positionals[0])) {
    if (positionals.length > (redisEnv === undefined ? 1 : 0))
      throw new StateUsageError("`state show` takes one redis url, or `--redis-env NAME` and no url");
    const prefix = typeof values.prefix === "string" ? values.prefix : undefined;
    const args = { target: positionals[0], redisEnv, prefix, policy, json: values.json === true };
    return showShared(args, { ...io, env: io.env ?? ((name) => process.env[name]) });
  }
  if (positionals.length !== 1)
    throw new StateUsageError(`\`state show\` takes one state file, got ${positionals.length}`);
  const [path] = positionals;
  const read = await readOrFail(path, io);
  if (!read) return 2;
  const { document } = read;
  if (values.json === true) {
    io.stdout(JSON.stringify({ file: path, format: read.format, ...document }, null, 2) + "\n");
    return 0;
  }
  let graph: Graph | undefined;
  if (policy !== undefined) {
    const compiled = await compilePolicyFile(policy);
    if (!compiled.graph) {
      io.stderr(`error: policy \`${policy}\` does not compile; see \`switchyard lint ${policy}\`\n`);
      return 2;
    }
    graph = compiled.graph;
  }
  io.stdout(
    renderSnapshot({
      path,
      format: read.format,
      version: document.version,
      bytes: read.bytes,
      writtenAt: document.writtenAt,
      state: document.state,
      graph,
      timing: document.timing,
    }),
  );
  return 0;
}

async function convert(argv: readonly string[], io: StateCliIo): Promise<number> {
  const { values, positionals } = options(argv, { to: { type: "string" } });
  if (positionals.length !== 2)
    throw new StateUsageError(`\`state convert\` takes an input and an output file, got ${positionals.length} file(s)`);
  const [input, output] = positionals;
  const to = typeof values.to === "string" ? values.to : undefined;
  const format = to === undefined ? formatForPath(output) : parseStateFormat(to);
  if (format === null) throw new StateUsageError(`unknown format \`${to}\` (expected ${STATE_FORMATS.join(", ")})`);
  const read = await readOrFail(input, io);
  if (!read) return 2;
  const bytes = encodeSnapshot(read.document.state, read.document.writtenAt, format, read.document.timing);
  try {
    await atomicWrite(output, bytes);
  } catch (err) {
    io.stderr(`error: cannot write \`${output}\`: ${describeIoError(err)}\n`);
    return 2;
  }
  io.stdout(`wrote \`${output}\` (${format}, ${bytes.length} bytes) from \`${input}\` (${read.format})\n`);
  return 0;
}
