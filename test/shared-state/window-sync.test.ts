// WindowSync on the in-memory store: each instance publishes only its own counts, reads the
// cluster's merge into its engine window, and never counts the others twice; EWMAs are blended.
import { expect, test } from "bun:test";
import type { RuntimeState, WindowState } from "../../src/runtime/api.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { MemorySharedHub } from "../../src/state/shared/memory-store.ts";
import { WindowSync } from "../../src/state/shared/window-sync.ts";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function instance(hub: MemorySharedHub, name: string, window: WindowState) {
  const state = { windows: { m: window } } as unknown as RuntimeState;
  return new WindowSync({ store: hub.connect("p"), clock: hub.clock, instance: name, state: () => state });
}

const sum = (w: WindowState) => w.buckets.reduce((n, b) => n + b.ok + b.fail, 0);

test("each instance sees the cluster's counts once, however many times it exchanges", async () => {
  const clock = new ManualClock(T0);
  const hub = new MemorySharedHub(clock);
  const bucket = (ok: number, fail: number) => ({ start: T0, ok, fail });
  const a: WindowState = {
    bucketMs: 6000,
    buckets: [bucket(0, 8)],
    latencyEwmaMs: 100,
    ttftEwmaMs: null,
    tokensPerSecEwma: null,
  };
  const b: WindowState = {
    bucketMs: 6000,
    buckets: [bucket(5, 2)],
    latencyEwmaMs: 300,
    ttftEwmaMs: null,
    tokensPerSecEwma: null,
  };
  const [sa, sb] = [instance(hub, "a", a), instance(hub, "b", b)];
  for (let round = 0; round < 4; round++) {
    await sa.exchange(() => 60_000);
    await sb.exchange(() => 60_000);
  }
  expect(a.buckets).toEqual([bucket(5, 10)]);
  expect(b.buckets).toEqual([bucket(5, 10)]);
  // a local record after the merge is this instance's own and reaches the other on the next exchange
  a.buckets[0]!.fail++;
  await sa.exchange(() => 60_000);
  await sb.exchange(() => 60_000);
  expect(sum(b)).toBe(16);
  expect(sum(a)).toBe(16);
  // weighted by samples (8 vs 7), then blended each round: both between the two, near each other
  expect(a.latencyEwmaMs!).toBeGreaterThan(100);
  expect(b.latencyEwmaMs!).toBeLessThan(300);
  expect(Math.abs(a.latencyEwmaMs! - b.latencyEwmaMs!)).toBeLessThan(50);
});
