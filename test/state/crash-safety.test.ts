// Crash safety: SIGKILL a constantly-snapshotting child at random moments, many times over the
// same file. After every kill the file must load and equal a state the child really handed to
// the writer; temp files a kill leaves behind are removed by the next start (or cleanStaleTemps).
import { expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cleanStaleTemps } from "../../src/state/atomic-write.ts";
import { loadSnapshot } from "../../src/state/load-snapshot.ts";
import { readSnapshotFile } from "../../src/state/read-snapshot.ts";
import { tempDir } from "./fixtures.ts";
import { stateHash } from "./state-hash.ts";

const CHILD = join(import.meta.dir, "crash-child.ts");
const KILLS = 24;
const MODELS = 600;

/** The child's stdout as lines: `ready <outcome>`, then `begin` before and `wrote` after each write. */
function lines(proc: Bun.Subprocess<"ignore", "pipe", "pipe">) {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return async function next(): Promise<string> {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`child exited early: ${await new Response(proc.stderr).text()}`);
      buffered += decoder.decode(value);
    }
    const at = buffered.indexOf("\n");
    const line = buffered.slice(0, at);
    buffered = buffered.slice(at + 1);
    return line;
  };
}

async function until(next: () => Promise<string>, wanted: string): Promise<void> {
  while ((await next()) !== wanted);
}

test(`${KILLS} SIGKILLs across snapshot writes never leave a partial or unwritten state`, async () => {
  using dir = tempDir();
  const path = dir.file("state.bin");
  const log = dir.file("written.log");
  let leftoverTemps = 0;
  let loadedBefore = 0;
  let stale: string[] = [];
  for (let i = 0; i < KILLS; i++) {
    const proc = Bun.spawn(["bun", CHILD, path, log, "20", String(MODELS)], { stdout: "pipe", stderr: "pipe" });
    const next = lines(proc);
    if ((await next()) === "ready loaded") loadedBefore++;
    await until(next, "wrote");
    expect(stale.filter((name) => existsSync(join(dir.path, name)))).toEqual([]); // the new start removed them
    // The kill time (not a wait for anything): odd rounds anywhere in the next few write cycles,
    // even rounds a few milliseconds after a write began, while its temp file is being written.
    if (i % 2 === 1) {
      await new Promise((r) => setTimeout(r, Math.random() * 45));
    } else {
      await until(next, "begin");
      await new Promise((r) => setTimeout(r, Math.random() * 6));
    }
    proc.kill("SIGKILL");
    await proc.exited;

    const names = readdirSync(dir.path);
    stale = names.filter((n) => n.startsWith("state.bin.tmp-"));
    leftoverTemps += stale.length;
    expect(names.filter((n) => n.includes(".corrupt-"))).toEqual([]);
    const written = new Set(existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);
    const read = await readSnapshotFile(path);
    if (read.kind !== "ok") throw new Error(`kill ${i + 1}: snapshot did not load: ${JSON.stringify(read)}`);
    expect(written.has(stateHash(read.document.state))).toBe(true);
  }
  // every child after the first started from the previous child's snapshot
  expect(loadedBefore).toBe(KILLS - 1);
  const final = await loadSnapshot(path, { now: Date.now() });
  expect(final.outcome).toBe("loaded");
  expect(final.warnings).toEqual([]);
  await cleanStaleTemps(path);
  expect(readdirSync(dir.path).filter((n) => n.includes(".tmp-"))).toEqual([]);
  console.log(
    `crash test: ${KILLS} kills, ${leftoverTemps} temp files found right after a kill (removed at next start)`,
  );
}, 60_000); // 24 child processes: a loaded 2-core machine needs well over the 20 s default
