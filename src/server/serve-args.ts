// `switchyard serve` arguments: `--port` (else the `PORT` environment variable, else 8080), `--host`,
// `--policy FILE` or a positional FILE, the state snapshot flags `--state FILE`, `--state-format`,
// `--snapshot-interval`, the shutdown timing `--not-ready-window`, `--drain-timeout`, and
// `--debug-decisions` (the x-switchyard-decision header and log field). Errors
// are ServeErrors with a plain message (the CLI prints them, never a stack trace).
import { parseSnapshotInterval, parseStateFormat, type StateFormat } from "../state/index.ts";
import { parseLiteral } from "../syntax/literal.ts";

export interface ServeArgs {
  policyPath?: string;
  port: number;
  host: string;
  /** Runtime state snapshot file (breakers, windows, quotas survive restarts); absent: in memory only. */
  statePath?: string;
  stateFormat?: StateFormat;
  /** Default DEFAULT_SNAPSHOT_INTERVAL_MS. */
  snapshotIntervalMs?: number;
  /** Shutdown: how long /readyz fails before the listener closes (see shutdown.ts). */
  notReadyMs?: number;
  /** Shutdown: longest wait for in-flight requests before running streams are cut. */
  drainTimeoutMs?: number;
  /** `--debug-decisions`: every /v1 answer says why it was routed as it was (x-switchyard-decision). */
  debugDecisions?: boolean;
}

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 5_000;

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "127.0.0.1";

/** An error meant for the person starting the server: print `message`, exit with `exitCode`. */
export class ServeError extends Error {
  override name = "ServeError";
  /** 1: the policy or its environment has problems; 2: a usage or file error (the CLI's convention). */
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** `env` is where `PORT` is read (the CLI passes process.env); a `--port` flag wins over it. */
export function parseServeArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ServeArgs {
  const args: ServeArgs = { port: DEFAULT_PORT, host: DEFAULT_HOST };
  let portFlag: number | undefined;
  let policy: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new ServeError(`\`${flag}\` needs a value`);
      return v;
    };
    if (flag === "--port" || flag === "-p") portFlag = parsePort(value());
    else if (flag === "--host") args.host = value();
    else if (flag === "--policy") policy = setOnce(policy, value());
    else if (flag === "--state") args.statePath = value();
    else if (flag === "--state-format") args.stateFormat = parseFormat(value());
    else if (flag === "--snapshot-interval") args.snapshotIntervalMs = parseInterval(value());
    else if (flag === "--not-ready-window") args.notReadyMs = parseWait(flag, value());
    else if (flag === "--drain-timeout") args.drainTimeoutMs = parseWait(flag, value());
    else if (arg === "--debug-decisions") args.debugDecisions = true;
    else if (arg.startsWith("-") && arg !== "-") {
      throw new ServeError(
        `unknown option \`${arg}\` (expected --port, --host, --policy, --state, --state-format, --snapshot-interval, --not-ready-window, --drain-timeout or --debug-decisions)`,
      );
    } else policy = setOnce(policy, arg);
  }
  if (policy !== undefined) args.policyPath = policy;
  if (portFlag !== undefined) args.port = portFlag;
  else if (env.PORT !== undefined && env.PORT !== "")
    args.port = parsePort(env.PORT, "the `PORT` environment variable");
  return args;
}

function setOnce(current: string | undefined, next: string): string {
  if (current !== undefined)
    throw new ServeError(`only one policy file can be served, got \`${current}\` and \`${next}\``);
  return next;
}

function parseFormat(raw: string): StateFormat {
  const format = parseStateFormat(raw);
  if (!format) throw new ServeError(`invalid state format \`${raw}\`: expected msgpack, json or yaml`);
  return format;
}

function parseInterval(raw: string): number {
  const ms = parseSnapshotInterval(raw);
  if (ms === null || ms <= 0)
    throw new ServeError(`invalid snapshot interval \`${raw}\`: expected a duration such as \`5s\` or \`500ms\``);
  return ms;
}

/** A shutdown wait: a duration such as `5s`, and `0s` for none. */
function parseWait(flag: string, raw: string): number {
  const v = parseLiteral(raw.trim()); // the policy grammar's durations, like --snapshot-interval
  const ms = v?.kind === "duration" ? Math.round(v.ms) : NaN;
  if (!Number.isFinite(ms) || ms < 0)
    throw new ServeError(`invalid \`${flag}\` \`${raw}\`: expected a duration such as \`10s\`, \`500ms\` or \`0s\``);
  return ms;
}

function parsePort(raw: string, source = "port"): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new ServeError(
      `invalid ${source === "port" ? "port" : `port in ${source}`} \`${raw}\`: expected a number from 0 to 65535`,
    );
  return port;
}
