// `switchyard serve` arguments: `--port`, `--host`, `--policy FILE` or a positional FILE. Errors are
// ServeErrors with a plain message (the CLI prints them, never a stack trace).

export interface ServeArgs {
  policyPath?: string;
  port: number;
  host: string;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "127.0.0.1";

/** An error meant for the person starting the server: print `message`, exit non-zero. */
export class ServeError extends Error {
  override name = "ServeError";
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { port: DEFAULT_PORT, host: DEFAULT_HOST };
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
    if (flag === "--port" || flag === "-p") args.port = parsePort(value());
    else if (flag === "--host") args.host = value();
    else if (flag === "--policy") policy = setOnce(policy, value());
    else if (arg.startsWith("-") && arg !== "-") throw new ServeError(`unknown option \`${arg}\` (expected --port, --host or --policy)`);
    else policy = setOnce(policy, arg);
  }
  if (policy !== undefined) args.policyPath = policy;
  return args;
}

function setOnce(current: string | undefined, next: string): string {
  if (current !== undefined) throw new ServeError(`only one policy file can be served, got \`${current}\` and \`${next}\``);
  return next;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new ServeError(`invalid port \`${raw}\`: expected a number from 0 to 65535`);
  return port;
}
