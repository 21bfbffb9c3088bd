// Which files a command works on: each path may be a file (taken as given) or a directory
// (searched recursively for *.route, in sorted order so output is stable). Paths that cannot be
// read become SY4001 diagnostics instead of aborting the run.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ioDiagnostic } from "../compile/index.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";

export const DEFAULT_POLICY_DIR = "policies/";

export interface PolicyFiles {
  files: string[];
  problems: Diagnostic[]; // one SY4001 per unreadable path
}

export async function findPolicyFiles(paths: readonly string[]): Promise<PolicyFiles> {
  const files: string[] = [];
  const problems: Diagnostic[] = [];
  for (const path of paths.length ? paths : [DEFAULT_POLICY_DIR]) {
    try {
      if ((await stat(path)).isDirectory()) files.push(...(await routeFilesUnder(path)));
      else files.push(path);
    } catch (e) {
      problems.push(ioDiagnostic(path, e));
    }
  }
  return { files: [...new Set(files)], problems };
}

async function routeFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return (
    entries
      // Symlinks are included so a dangling one is reported (SY4001) rather than silently skipped.
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith(".route"))
      .map((e) => join(e.parentPath, e.name))
      .sort()
  );
}
