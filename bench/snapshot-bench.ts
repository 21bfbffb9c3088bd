// `bun bench/snapshot-bench.ts`: what a state snapshot costs with 10,000 models. For each format
// it times the snapshotter's real path (encode + temp file + fsync + rename + directory fsync),
// the load path (read + header/crc check + valibot), and the file size, and compares the write with
// a baseline measured in the same run: JSON.stringify + writeFile, no header, no fsync, no rename.
// Medians of several runs; everything is written under a fresh temp directory, removed at the end.
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RuntimeState } from "../src/runtime/api.ts";
import { atomicWrite } from "../src/state/atomic-write.ts";
import { encodeSnapshot } from "../src/state/codec.ts";
import { STATE_FORMATS } from "../src/state/format.ts";
import { readSnapshotFile } from "../src/state/read-snapshot.ts";

const MODELS = Number(process.env.BENCH_MODELS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** yaml takes seconds per call at this size (see docs/state.md), so it gets one timed run. */
const runsFor = (format: string): number => (format === "yaml" ? 1 : RUNS);
const NOW = Date.UTC(2026, 10, 25, 12);

/** A busy gateway's state: every model has a breaker, a full window ring, two quotas and counters. */
export function bigState(models = MODELS): RuntimeState {
  const state: RuntimeState = { breakers: {}, windows: {}, quotas: {}, cursors: {}, sticky: {}, counters: {} };
  for (let i = 0; i < models; i++) {
    const name = `model-${String(i).padStart(5, "0")}`;
    const open = i % 17 === 0;
    state.breakers[name] = {
      phase: open ? "open" : "closed",
      consecutiveFailures: i % 6,
      openedAt: open ? NOW - 5_000 : null,
      probesInFlight: 0,
      probeSuccesses: 0,
    };
    state.windows[name] = {
      bucketMs: 6_000,
      buckets: Array.from({ length: 10 }, (_, b) => ({
        start: NOW - (9 - b) * 6_000,
        ok: (i + b) % 40,
        fail: (i * b) % 3,
      })),
      latencyEwmaMs: 400 + (i % 900) + 0.25,
      ttftEwmaMs: 120 + (i % 300) + 0.5,
      tokensPerSecEwma: 30 + (i % 70) / 3,
    };
    state.quotas[`model:${name}:requests:minute`] = { windowStart: Math.floor(NOW / 60_000) * 60_000, used: i % 100 };
    state.quotas[`model:${name}:tokens:day`] = { windowStart: Math.floor(NOW / 86_400_000) * 86_400_000, used: i * 37 };
    state.counters[name] = {
      requests: i * 11,
      successes: i * 10,
      failures: i,
      tokensIn: i * 900,
      tokensOut: i * 250,
      costUsd: i * 0.00123,
    };
  }
  for (let r = 0; r < 1_000; r++) state.cursors[`route-${r}#1`] = r * 7;
  for (let s = 0; s < 10_000; s++) state.sticky[`session-${s}`] = `model-${String(s % models).padStart(5, "0")}`;
  return state;
}

/** One untimed warm-up call (JIT, buffers, page cache), then the median of `runs` timed calls. */
async function median(runs: number, fn: () => Promise<void> | void): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`.padStart(10);
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`.padStart(10);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "swyd-snapbench-"));
  try {
    const state = bigState();
    const baselinePath = join(dir, "baseline.json");
    let baselineBytes = 0;
    const baseline = await median(RUNS, async () => {
      const text = JSON.stringify(state);
      baselineBytes = text.length;
      await writeFile(baselinePath, text);
    });
    console.log(`snapshot cost, ${MODELS.toLocaleString("en-US")} models, median of ${RUNS} (bun ${Bun.version})`);
    console.log(
      `baseline JSON.stringify + writeFile (no fsync): ${fmt(baseline).trim()}, ${kb(baselineBytes).trim()}\n`,
    );
    console.log(
      `${"format".padEnd(8)}${"encode".padStart(10)}${"write".padStart(10)}${"total".padStart(10)}${"vs base".padStart(9)}${"size".padStart(10)}${"vs base".padStart(9)}${"load".padStart(10)}`,
    );
    for (const format of STATE_FORMATS) {
      const runs = runsFor(format);
      const path = join(dir, `state.${format}`);
      let bytes: Uint8Array = new Uint8Array();
      const encode = await median(runs, () => {
        bytes = encodeSnapshot(state, NOW, format);
      });
      const write = await median(runs, () => atomicWrite(path, bytes));
      const total = await median(runs, () => atomicWrite(path, encodeSnapshot(state, NOW, format)));
      const load = await median(runs, async () => {
        const read = await readSnapshotFile(path);
        if (read.kind !== "ok") throw new Error(`bench snapshot did not load: ${JSON.stringify(read)}`);
      });
      console.log(
        `${format.padEnd(8)}${fmt(encode)}${fmt(write)}${fmt(total)}${`${(total / baseline).toFixed(2)}x`.padStart(9)}` +
          `${kb(bytes.length)}${`${(bytes.length / baselineBytes).toFixed(2)}x`.padStart(9)}${fmt(load)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
