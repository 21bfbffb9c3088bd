#!/usr/bin/env bun
// The one command-line entry point (`bun src/cli/main.ts <command>`). Commands are loaded lazily so
// each one only pays for, and only depends on, the code it uses. No stack trace ever reaches the
// user: usage mistakes exit 2 with the usage, anything unexpected prints "internal error" and exits 70.
import pkg from "../../package.json" with { type: "json" };
import { closest } from "../util/edit-distance.ts";
import { EXIT, USAGE, UsageError } from "./usage.ts";

type Command = (argv: readonly string[]) => Promise<number | null>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  lint: async () => (await import("./lint.ts")).lint,
  fmt: async () => (await import("./fmt.ts")).fmt,
  graph: async () => (await import("./graph.ts")).graph,
  serve: async () => (await import("./serve.ts")).serveCommand,
};

export async function main(argv: readonly string[]): Promise<number | null> {
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
  const load = COMMANDS[name];
  if (!load) {
    const hint = closest(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command \`${name}\`${hint ? `; did you mean \`${hint}\`?` : ""}`);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  return (await load())(rest);
}

async function run(): Promise<void> {
  let code: number | null;
  try {
    code = await main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
      code = EXIT.usage;
    } else {
      process.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      code = EXIT.internal;
    }
  }
  if (code !== null) process.exit(code);
}

if (import.meta.main) await run();
