// Loading state at start. A missing file is a first start (quiet); a damaged or foreign one is
// moved aside (never deleted, someone may want it) with a warning, and the gateway starts fresh;
// a good one is aged by the downtime and trimmed to the current policy. Something that is not a
// regular file at the path (FIFO, device, directory) is refused with a StateSetupError.
import { rename, stat } from "node:fs/promises";
import type { Graph } from "../compile/graph.ts";
import type { RuntimeState } from "../runtime/api.ts";
import { cleanStaleTemps } from "./atomic-write.ts";
import { decayState } from "./decay.ts";
import type { StateFormat } from "./format.ts";
import { freshState } from "./fresh-state.ts";
import { StateSetupError, describeIoError } from "./io-error.ts";
import { pruneToGraph } from "./prune.ts";
import { readSnapshotFile } from "./read-snapshot.ts";
import { timingFromGraph } from "./timing.ts";

export interface LoadOptions {
  /** Clock time at start (the same clock the engine and snapshotter use). */
  now: number;
  /** The policy being served; when given, entries for models/providers/routes it lacks are dropped. */
  graph?: Graph;
}

export interface LoadResult {
  state: RuntimeState;
  /** Lowercase, one line each, meant for the startup log. Empty for a clean load or a first start. */
  warnings: string[];
  /** What happened: `absent` (first start), `loaded`, or `moved_aside` / `unreadable` (started fresh). */
  outcome: "absent" | "loaded" | "moved_aside" | "unreadable";
  /** The snapshot's own format and clock time, when one was loaded. */
  format: StateFormat | null;
  writtenAt: number | null;
  /** Where a bad file went. */
  movedTo: string | null;
  /** Entries dropped because the policy no longer has their model, provider or route. */
  dropped: number;
  /** Leftover temp files (from a writer killed mid-write) removed before reading. */
  removedTemps: string[];
}

export async function loadSnapshot(path: string, options: LoadOptions): Promise<LoadResult> {
  const removedTemps = await cleanStaleTemps(path);
  const base = { warnings: [] as string[], format: null, writtenAt: null, movedTo: null, dropped: 0, removedTemps };
  const read = await readSnapshotFile(path);
  switch (read.kind) {
    case "absent":
      return { ...base, state: freshState(), outcome: "absent" };
    case "unreadable":
      // Not a file we could ever write over sensibly (a FIFO, a device, a directory): whoever put it
      // there meant something else, so serving must not start on top of it.
      if (read.notRegular) {
        const reason = read.message.replace(/^`[^`]*` /, "it ");
        throw new StateSetupError(
          `cannot keep state in \`${path}\`: ${reason}\nhelp: give \`--state\` the path of a regular file (it is created when missing)`,
        );
      }
      return setAside(path, read.message, options.now, base);
    case "bad":
      return setAside(path, read.message, options.now, base);
    case "ok":
      break;
  }
  const { document } = read;
  const warnings: string[] = [];
  if (document.writtenAt > options.now) {
    warnings.push(
      `state file \`${path}\` was written ${Math.round(document.writtenAt - options.now)}ms later than the clock reads now; ` +
        "its timers were kept as they were",
    );
  }
  let state = decayState(document.state, options.now, timingFromGraph(options.graph));
  let dropped = 0;
  if (options.graph) ({ state, dropped } = pruneToGraph(state, options.graph));
  return { ...base, state, outcome: "loaded", format: read.format, writtenAt: document.writtenAt, dropped, warnings };
}

type LoadBase = Omit<LoadResult, "state" | "outcome">;

/** A file we cannot use is kept for whoever wants to look at it; the gateway starts fresh. */
async function setAside(path: string, reason: string, now: number, base: LoadBase): Promise<LoadResult> {
  const moved = await moveAside(path, now);
  const where = moved.ok ? `moved it to \`${moved.path}\`` : `could not move it aside (${moved.message})`;
  const warning = `state file \`${path}\` was not loaded: ${reason}; ${where} and started with fresh state`;
  if (!moved.ok) return { ...base, state: freshState(), outcome: "unreadable", warnings: [warning] };
  return { ...base, state: freshState(), outcome: "moved_aside", movedTo: moved.path, warnings: [warning] };
}

/** `<name>.corrupt-<UTC timestamp>` (with a counter if that exists too); never overwrites. */
async function moveAside(
  path: string,
  now: number,
): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
  const stamp = new Date(Number.isFinite(now) ? now : 0)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  for (let n = 0; n < 100; n++) {
    const target = `${path}.corrupt-${stamp}${n === 0 ? "" : `-${n}`}`;
    if (await exists(target)) continue;
    try {
      await rename(path, target);
      return { ok: true, path: target };
    } catch (err) {
      return { ok: false, message: describeIoError(err) };
    }
  }
  return { ok: false, message: "too many earlier corrupt copies with the same timestamp" };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
