// Periodic snapshots run on the injected clock, coalesce while a write is in flight, and report
// failures as one line instead of throwing into the request path.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { RuntimeState } from "../../src/runtime/api.ts";
import { StateSetupError, attachSnapshots } from "../../src/state/attach.ts";
import { decodeSnapshot } from "../../src/state/codec.ts";
import { createSnapshotter, type WriteResult } from "../../src/state/snapshotter.ts";
import { T0, sampleState, tempDir } from "./fixtures.ts";

function onDisk(path: string): { writtenAt: number; state: RuntimeState } {
  const decoded = decodeSnapshot(readFileSync(path));
  if (!decoded.ok) throw new Error(decoded.message);
  return decoded.document;
}

/** A promise for the next `n` writes, fed by onWrite. */
function writeWaiter() {
  const waiting: { n: number; resolve: () => void }[] = [];
  let count = 0;
  return {
    onWrite: (_: WriteResult) => {
      count++;
      for (const w of waiting.filter((w) => count >= w.n)) w.resolve();
    },
    until: (n: number) => new Promise<void>((resolve) => (count >= n ? resolve() : waiting.push({ n, resolve }))),
    get count() {
      return count;
    },
  };
}

describe("periodic writes", () => {
  test("write every interval of the injected clock, with the clock time in the file", async () => {
    using dir = tempDir();
    const path = dir.file("s.bin");
    const clock = new ManualClock(T0);
    const state = sampleState();
    const writes = writeWaiter();
    const snap = createSnapshotter({ path, intervalMs: 5_000, getState: () => state, clock, onWrite: writes.onWrite });
    snap.start();
    snap.start(); // idempotent: still one loop
    await clock.advance(4_999);
    expect(writes.count).toBe(0);
    await clock.advance(1);
    await writes.until(1);
    expect(onDisk(path).writtenAt).toBe(T0 + 5_000);
    state.counters["gpt-4o"].requests = 41;
    await clock.advance(5_000);
    await writes.until(2);
    expect(onDisk(path)).toEqual({ version: 1, writtenAt: T0 + 10_000, state } as never);
    expect(writes.count).toBe(2);
    state.counters["gpt-4o"].requests = 99;
    const final = await snap.stop();
    expect(final.bytes).toBeGreaterThan(100);
    expect(onDisk(path).state.counters["gpt-4o"].requests).toBe(99);
    expect(clock.pending()).toBe(0); // no timer left behind
    await clock.advance(60_000);
    expect(writes.count).toBe(3);
  });

  test("a failing write is reported as one line and retried next interval", async () => {
    using dir = tempDir();
    const path = dir.file("missing-dir/s.bin");
    const clock = new ManualClock(T0);
    const errors: string[] = [];
    let notify = (): void => {};
    const snap = createSnapshotter({
      path,
      intervalMs: 1_000,
      getState: sampleState,
      clock,
      onError: (m) => {
        errors.push(m);
        notify();
      },
    });
    snap.start();
    for (let i = 1; i <= 2; i++) {
      const reported = new Promise<void>((r) => (notify = r));
      await clock.advance(1_000);
      await reported;
    }
    expect(errors).toEqual([
      `could not write state file \`${path}\`: no such file or directory (ENOENT)`,
      `could not write state file \`${path}\`: no such file or directory (ENOENT)`,
    ]);
    await expect(snap.stop()).rejects.toThrow("could not write state file");
  });
});

describe("writeNow", () => {
  test("requests during a write share one follow-up write of the newest state", async () => {
    using dir = tempDir();
    const path = dir.file("s.json");
    const state = sampleState();
    let captures = 0;
    const snap = createSnapshotter({
      path,
      format: "json",
      intervalMs: 1_000,
      clock: new ManualClock(T0),
      getState: () => {
        captures++;
        return state;
      },
    });
    const first = snap.writeNow();
    state.cursors["chat#1"] = 100;
    const queued = [snap.writeNow(), snap.writeNow(), snap.writeNow()];
    expect(queued[1]).toBe(queued[0]);
    expect(queued[2]).toBe(queued[0]);
    expect(captures).toBe(1);
    await first;
    const second = await queued[0];
    expect(captures).toBe(2);
    expect(second.bytes).toBe(readFileSync(path).length);
    expect(onDisk(path).state.cursors["chat#1"]).toBe(100);
    await snap.writeNow(); // idle again: a fresh write, not the old promise
    expect(captures).toBe(3);
  });
});

test("attachSnapshots loads the previous run's state and keeps writing the live one", async () => {
  using dir = tempDir();
  const path = dir.file("s.yaml");
  const clock = new ManualClock(T0);
  let live: RuntimeState = sampleState();
  const first = await attachSnapshots({ path, format: "yaml", intervalMs: 20, clock, getState: () => live });
  expect(first.load.outcome).toBe("absent");
  live = first.state; // the engine would be created from it
  live.counters.x = { requests: 1, successes: 1, failures: 0, tokensIn: 2, tokensOut: 3, costUsd: 0 };
  await first.writeNow();
  await first.stop();
  const second = await attachSnapshots({ path, intervalMs: 20, clock, getState: () => live });
  expect(second.load).toMatchObject({ outcome: "loaded", format: "yaml" });
  expect(second.state.counters.x.tokensOut).toBe(3);
  await second.stop();
  expect(readFileSync(path).subarray(0, 4).toString()).toBe("SWYD"); // rewritten as msgpack, the default
});

test("attachSnapshots refuses a state path whose directory does not exist", async () => {
  using dir = tempDir();
  const path = dir.file("nope/s.bin");
  const attaching = attachSnapshots({ path, intervalMs: 20, clock: new ManualClock(T0), getState: sampleState });
  await expect(attaching).rejects.toBeInstanceOf(StateSetupError);
  await expect(attaching).rejects.toThrow(
    `cannot keep state in \`${path}\`: its directory \`${dir.file("nope")}\` is not usable: no such file or directory (ENOENT)`,
  );
});
