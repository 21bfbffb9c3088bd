// The virtual clock, the seeded random and the system clock wrappers.
import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { SeededRandom, systemRandom } from "../../src/ports/seeded-random.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";

describe("ManualClock", () => {
  test("fires timers in time order and sets now to each timer's time", async () => {
    const clock = new ManualClock(100);
    const fired: [string, number][] = [];
    for (const [name, ms] of [
      ["c", 30],
      ["a", 10],
      ["b", 20],
      ["a2", 10],
    ] as const) {
      void clock.sleep(ms).then(() => fired.push([name, clock.now()]));
    }
    expect(clock.pending()).toBe(4);
    await clock.advance(25);
    expect(fired).toEqual([
      ["a", 110],
      ["a2", 110],
      ["b", 120],
    ]);
    expect(clock.now()).toBe(125);
    await clock.advance(10);
    expect(fired.at(-1)).toEqual(["c", 130]);
    expect(clock.pending()).toBe(0);
  });

  test("code awaiting a timer runs before the next timer fires, so chained sleeps keep virtual time", async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const worker = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        await Promise.resolve();
        seen.push(clock.now());
      }
    };
    const done = worker();
    await clock.advanceTo(100);
    await done;
    expect(seen).toEqual([10, 20, 30]);
    expect(clock.now()).toBe(100);
  });

  test("long await chains that keep touching the clock still reach their next sleep before time moves", async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const worker = async () => {
      for (let round = 0; round < 3; round++) {
        await clock.sleep(10);
        for (let i = 0; i < 200; i++) {
          await null;
          if (i % 5 === 0) clock.now();
        }
        seen.push(clock.now());
      }
    };
    const done = worker();
    await clock.advanceTo(25);
    await clock.runUntilIdle();
    await done;
    expect(seen).toEqual([10, 20, 30]);
  });

  test("an aborted sleep rejects with the reason and leaves the heap", async () => {
    const clock = new ManualClock(0);
    const ctl = new AbortController();
    const p = clock.sleep(50, ctl.signal);
    expect(clock.pending()).toBe(1);
    ctl.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(clock.pending()).toBe(0);
    await expect(clock.sleep(5, ctl.signal)).rejects.toThrow("stop");
  });

  test("runUntilIdle drains every timer including ones set while running, bounded by maxTimers", async () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const loop = async () => {
      while (ticks < 5) {
        await clock.sleep(7);
        ticks++;
      }
    };
    void loop();
    const instants = await clock.runUntilIdle();
    expect(ticks).toBe(5);
    expect(instants).toBe(5);
    expect(clock.now()).toBe(35);
    const forever = async () => {
      for (;;) await clock.sleep(1);
    };
    void forever();
    expect(await clock.runUntilIdle(100)).toBe(100);
  });

  test("advance cannot be re-entered while a previous one runs", async () => {
    const clock = new ManualClock(0);
    const first = clock.advance(10);
    expect(() => clock.advance(5)).toThrow("already advancing");
    await first;
  });

  test("handles many concurrent timers quickly", async () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const ctls: AbortController[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ctl = new AbortController();
      ctls.push(ctl);
      void clock.sleep(1 + (i % 500), ctl.signal).then(
        () => fired++,
        () => {},
      );
    }
    for (let i = 0; i < 20_000; i += 2) ctls[i]!.abort();
    expect(clock.pending()).toBe(10_000);
    const t0 = performance.now();
    await clock.runUntilIdle();
    expect(fired).toBe(10_000);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

describe("SeededRandom", () => {
  test("is deterministic per seed and uniform-ish in [0,1)", () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const r = systemRandom.next();
    expect(r >= 0 && r < 1).toBe(true);
  });
});

describe("SystemClock", () => {
  test("is epoch-aligned, monotonic, and its sleep can be aborted", async () => {
    const clock = new SystemClock();
    const a = clock.now();
    expect(Math.abs(a - Date.now())).toBeLessThan(1_000);
    expect(clock.now()).toBeGreaterThanOrEqual(a);
    const ctl = new AbortController();
    const p = clock.sleep(60_000, ctl.signal);
    ctl.abort(new Error("cancelled"));
    await expect(p).rejects.toThrow("cancelled");
    await clock.sleep(0);
  });
});
