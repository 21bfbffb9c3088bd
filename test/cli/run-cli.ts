// Spawns the real CLI (`bun src/cli/main.ts …`) the way users and CI run it, and writes scratch
// policy files into a fresh temp directory per test file.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");
const MAIN = join(ROOT, "src/cli/main.ts");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env }))
    if (v !== undefined) env[k] = v;
  const p = Bun.spawnSync([process.execPath, MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

const scratchDirs: string[] = [];

/** Removes every scratch directory made so far; each test file calls it in `afterAll`. */
export function cleanupScratch(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-"));
  scratchDirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A stack trace line as Bun or V8 prints it. */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

export const CLEAN = `provider sim { kind simulated }
model a { provider sim  can [chat] }
route r { otherwise -> [a] }
`;

/** Only a warning: the route has no `otherwise`. */
export const WARNS = `provider sim { kind simulated }
model a { provider sim  can [chat, tools] }
route r { when tools -> [a] }
`;

/** Two errors: unknown models. */
export const BROKEN = `provider sim { kind simulated }
model a { provider sim  can [chat] }
route r { when tools -> [gpt5] otherwise -> [aa] }
`;
