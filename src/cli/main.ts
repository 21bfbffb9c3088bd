#!/usr/bin/env bun
// The one command-line entry point (`bun src/cli/main.ts <command>`). Commands are loaded lazily so
// each one only pays for, and only depends on, the code it uses. No stack trace ever reaches the
// user: usage mistakes exit 2 with the usage, anything unexpected prints "internal error" and exits 70.
import pkg from "../../package.json" with { type: "json" };
import { closest } from "../util/edit-distance.ts";
import { EXIT, USAGE, UsageError } from "./usage.ts";

/** Resolves to the exit code, or null while a long-running command (serve) keeps the process alive. */
export type Command = (argv: readonly string[]) => Promise<number | null>;
export type CommandTable = Record<string, () => Promise<Command>>;

export const COMMANDS: CommandTable = {
  lint: async () => (await import("./lint.ts")).lint,
  fmt: async () => (await import("./fmt.ts")).fmt,
  graph: async () => (await import("./graph.ts")).graph,
  explain: async () => (await import("./explain.ts")).explain,
  serve: async () => (await import("./serve.ts")).serveCommand,
  lsp: async () => (await import("./lsp.ts")).lspCommand,
  // These two print their own usage (`switchyard simulate --help`).
  simulate: async () => async (argv) =>
    argv.includes("--conformance")
      ? (await import("./simulate-conformance.ts")).runConformanceCli([...argv])
      : (await import("../simulate/cli.ts")).runSimulateCli([...argv]),
  state: async () => async (argv) => (await import("../state/cli.ts")).runStateCli(argv),
};

const OWN_HELP = new Set(["simulate", "state"]);

async function dispatch(argv: readonly string[], commands: CommandTable): Promise<number | null> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("missing command");
  if (name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    process.stdout.write(`switchyard ${pkg.version}\n`);
    return EXIT.ok;
  }
  const load = commands[name];
  if (!load) {
    const hint = closest(name, Object.keys(commands));
    throw new UsageError(`unknown command \`${name}\`${hint ? `; did you mean \`${hint}\`?` : ""}`);
  }
  if (!OWN_HELP.has(name) && (rest.includes("--help") || rest.includes("-h"))) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  return (await load())(rest);
}

/** Runs one command line and never throws: usage mistakes → 2 with the usage, anything else → 70. */
export async function runCli(argv: readonly string[], commands: CommandTable = COMMANDS): Promise<number | null> {
  try {
    return await dispatch(argv, commands);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
    process.stderr.write(
      `internal error: ${reason}\nthis is a bug in switchyard; please report it with the command you ran\n`,
    );
    return EXIT.internal;
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2));
  if (code !== null) process.exit(code);
}
