// Crash safety of the real server: `switchyard serve --state` under traffic, SIGKILLed at seeded
// random moments many times over the same state file and restarted each time. After every kill the
// file must load through src/state's reader and hold a state the server really had; temp files a
// kill leaves behind must be gone once the next server has started.
//
// What "a state the server really had" means here. The server's writer cannot be instrumented from
// outside, so the test keeps its own record: traffic is one request at a time, and after each one
// the test asks `GET /admin/state` for the counters (requests, successes, failures, tokens, cost per
// model). Counters only grow, so whatever instant a snapshot was taken at, its counters lie between
// two consecutive reports, in every field of every model at once (one request apart); past the last
// report they may be ahead by the one request that was in flight, at most `max_per_request`
// attempts. A file that fits nowhere (ahead of the server, behind the state it started from, or a
// blend of two instants) fails. Each restart must also report exactly the counters of the file it
// loaded, which chains the rounds: counters never go backwards across kills. A torn or partial file
// fails the reader's length and crc32 checks before any of this.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { loadSnapshot } from "../../src/state/load-snapshot.ts";
import { readSnapshotFile } from "../../src/state/read-snapshot.ts";
import { placeAmong, type Counters } from "./counter-bounds.ts";
import { tempDir } from "./fixtures.ts";
import { ADMIN_ENV, chat, reportedCounters, snapshotNow, startServe, type ServeChild } from "./serve-child.ts";

const KILLS = 24;
const INTERVAL_MS = 20;
const MAX_ATTEMPTS = 3; // `max_per_request` below
const REQUESTS_PER_ROUND = 200; // traffic bound; a round normally ends by the kill long before
const SEED = 0x5eed_c4a5;

// Half of `flaky`'s attempts fail, so every request moves breakers, windows and counters;
// the short cool-down keeps breakers cycling through open and half-open within a round.
const POLICY = `gateway { admin_token env("${ADMIN_ENV}") }
defaults {
  retry { attempts 1  max_per_request ${MAX_ATTEMPTS}  backoff { base 1ms  max 2ms  jitter 0% } }
  breaker { failures 3  cooldown 40ms  probes 1  successes 1 }
}
provider flaky { kind simulated  ttft 0ms  per_token 0ms  output_tokens 3  error_rate 50% }
provider steady { kind simulated  ttft 0ms  per_token 0ms  output_tokens 2 }
model a { provider flaky  can [chat]  price { input $1.00  output $3.00 } }
model b { provider flaky  can [chat]  price { input $2.00  output $5.00 } }
model c { provider steady  can [chat]  price { input $0.50  output $1.00 } }
route chat { otherwise -> [a, b, c] }
`;

/** Resolves when a temp file of `name` appears in `dir` (a write is under way), or after `limitMs`. */
function nextWriteBegins(dir: string, name: string, limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      watcher.close();
      resolve();
    };
    const watcher = watch(dir, (_event, file) => {
      if (file?.startsWith(`${name}.tmp-`)) done();
    });
    const timer = setTimeout(done, limitMs);
  });
}

/**
 * One request at a time, each followed by a report; an on-demand snapshot now and then.
 * `warmedUp` is called once `warmup` requests are done, so every round changes the state.
 */
async function drive(
  child: ServeChild,
  reports: Counters[],
  stopped: () => boolean,
  warmup: number,
  warmedUp: () => void,
): Promise<void> {
  for (let n = 0; n < REQUESTS_PER_ROUND && !stopped(); n++) {
    await chat(child.url);
    if (n % 7 === 3) await snapshotNow(child.url); // interleaves with the periodic writes
    reports.push(await reportedCounters(child.url));
    if (n + 1 === warmup) warmedUp();
  }
}

test(`${KILLS} SIGKILLs of a serving gateway never leave a partial, foreign or impossible snapshot`, async () => {
  using dir = tempDir();
  const policy = dir.file("crash.route");
  writeFileSync(policy, POLICY);
  const path = dir.file("state.bin");
  const random = new SeededRandom(SEED);
  let onDisk: Counters | null = null; // counters in the file after the previous kill
  let stale: string[] = [];
  let leftoverTemps = 0;
  let advanced = 0;

  for (let i = 0; i < KILLS; i++) {
    const child = await startServe(policy, path, INTERVAL_MS);
    let killed = false;
    try {
      // a clean start: nothing moved aside or warned about, the killed server's temp files removed
      expect(child.startup).not.toContain("warning");
      expect(stale.filter((n) => existsSync(join(dir.path, n)))).toEqual([]);
      const reports: Counters[] = [await reportedCounters(child.url)];
      if (onDisk) expect(reports[0]).toEqual(onDisk); // continued from exactly what the file held
      if (i === 0) await snapshotNow(child.url); // so the first kill already finds a file

      const warm = Promise.withResolvers<void>();
      const warmup = 4 + Math.floor(random.next() * 10); // past the first on-demand snapshot (n = 3)
      const traffic = drive(child, reports, () => killed, warmup, warm.resolve).catch((err) => {
        if (!killed) throw err; // only the kill may cut a call short
      });
      await Promise.race([warm.promise, traffic]);
      // The kill time (not a wait for anything): even rounds anywhere in the next few write
      // cycles, odd rounds right as a write begins, while its temp file is being written.
      if (i % 2 === 0) await new Promise((r) => setTimeout(r, random.next() * 3 * INTERVAL_MS));
      else {
        await new Promise((r) => setTimeout(r, random.next() * INTERVAL_MS));
        await nextWriteBegins(dir.path, "state.bin", 5 * INTERVAL_MS);
      }
      killed = true;
      child.proc.kill("SIGKILL");
      await child.proc.exited;
      await traffic;
      expect(await child.stdout).not.toContain("snapshot_error");

      const names = readdirSync(dir.path);
      stale = names.filter((n) => n.startsWith("state.bin.tmp-"));
      leftoverTemps += stale.length;
      expect(names.filter((n) => n.includes(".corrupt-"))).toEqual([]);
      const read = await readSnapshotFile(path);
      if (read.kind !== "ok") throw new Error(`kill ${i + 1}: snapshot did not load: ${JSON.stringify(read)}`);
      expect(read.format).toBe("msgpack");
      const counters = read.document.state.counters;
      if (placeAmong(counters, reports, MAX_ATTEMPTS) === null) {
        throw new Error(
          `kill ${i + 1}: the snapshot's counters ${JSON.stringify(counters)} were never the server's (${reports.length} reports)`,
        );
      }
      if (onDisk && !Bun.deepEquals(counters, onDisk)) advanced++;
      onDisk = counters;
    } finally {
      child.proc.kill("SIGKILL"); // no-op once it is gone; never leave a server behind a failed assertion
    }
  }

  // One last start cleans the last kill's temp files and loads the last file; SIGTERM then makes
  // the final write, which must hold exactly the state the server reported while idle.
  const last = await startServe(policy, path, INTERVAL_MS);
  try {
    expect(last.startup).not.toContain("warning");
    expect(stale.filter((n) => existsSync(join(dir.path, n)))).toEqual([]);
    const idle = await reportedCounters(last.url);
    expect(idle).toEqual(onDisk!);
    last.proc.kill("SIGTERM");
    expect(await last.proc.exited).toBe(0);
    const final = await loadSnapshot(path, { now: Date.now() });
    expect(final.outcome).toBe("loaded");
    expect(final.warnings).toEqual([]);
    expect(final.state.counters).toEqual(idle);
  } finally {
    last.proc.kill("SIGKILL");
  }
  expect(readdirSync(dir.path).filter((n) => n.includes(".tmp-"))).toEqual([]);
  // every round's warm-up ended with an on-demand write, so every kill found newer counters
  expect(advanced).toBe(KILLS - 1);
  const served = Object.values(onDisk!).reduce((sum, c) => sum + c.requests, 0);
  console.log(
    `serve crash test: ${KILLS} kills, snapshot advanced in ${advanced}, ${served} attempts on disk, ${leftoverTemps} temp files found right after a kill (removed at next start)`,
  );
}, 30_000);

describe("the check the crash test relies on", () => {
  const at = (a: number, b: number): Counters => ({
    a: { requests: a, successes: a - 1, failures: 1, tokensIn: a, tokensOut: 3 * a, costUsd: a / 1e6 },
    b: { requests: b, successes: b, failures: 0, tokensIn: b, tokensOut: 2 * b, costUsd: b / 1e6 },
  });
  const reports = [at(1, 1), at(2, 1), at(3, 1), at(3, 2)];

  test("a state between two consecutive reports, or one request past the last, is placed", () => {
    expect(placeAmong(at(2, 1), reports, MAX_ATTEMPTS)).toBe(0); // equal to report 1: between 0 and 1
    expect(placeAmong(at(3, 2), reports, MAX_ATTEMPTS)).toBe(2);
    expect(placeAmong(at(5, 3), reports, MAX_ATTEMPTS)).toBe(3); // 3 attempts started and ended in flight
  });

  test("a state ahead of the server, behind its start, or blending two instants is not", () => {
    expect(placeAmong(at(6, 3), reports, MAX_ATTEMPTS)).toBeNull(); // 4 attempts: more than one request
    expect(placeAmong(at(0, 1), reports, MAX_ATTEMPTS)).toBeNull(); // older than the state it started from
    const blend = { a: at(1, 1).a, b: at(3, 2).b }; // model a from the start, model b from the end
    expect(placeAmong(blend, reports, MAX_ATTEMPTS)).toBeNull();
  });
});
