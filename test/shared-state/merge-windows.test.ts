// How windows from several instances combine (docs/state.md, "Shared state"): buckets add up,
// EWMAs average weighted by samples, stale and own entries are ignored.
import { expect, test } from "bun:test";
import type { WindowState } from "../../src/runtime/api.ts";
import type { SharedWindow } from "../../src/runtime/ports.ts";
import { mergeWindows } from "../../src/state/shared/merge-windows.ts";

const local: WindowState = {
  bucketMs: 1000,
  buckets: [{ start: 9000, ok: 3, fail: 1 }],
  latencyEwmaMs: 100,
  ttftEwmaMs: null,
  tokensPerSecEwma: null,
};
const other = (instance: string, at: number, fail: number, latency: number): SharedWindow => ({
  instance,
  at,
  bucketMs: 1000,
  buckets: [{ start: 9000, ok: 0, fail }],
  latencyEwmaMs: latency,
  ttftEwmaMs: 50,
  tokensPerSecEwma: null,
});

test("buckets add up and EWMAs average weighted by each instance's samples", () => {
  const merged = mergeWindows(local, [other("b", 9500, 4, 600)], "a", 9900, 10_000);
  expect(merged.buckets).toEqual([{ start: 9000, ok: 3, fail: 5 }]);
  expect(merged.latencyEwmaMs).toBe((100 * 4 + 600 * 4) / 8);
  expect(merged.ttftEwmaMs).toBe(50);
});

test("this instance's own published copy and entries older than the window are ignored", () => {
  expect(mergeWindows(local, [other("a", 9500, 9, 1), other("c", -1000, 9, 1)], "a", 9900, 10_000)).toBe(local);
});
