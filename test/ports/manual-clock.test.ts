// The virtual clock's cheaper paths: schedule() handles, one abort listener per signal, exact
// draining between instants, and the watchdog re-armed on schedule().
import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { Watchdog } from "../../src/runtime/attempt/watchdog.ts";

describe("ManualClock.schedule", () => {
  test("fires at its time, in the order timers were set, interleaved with sleeps due then", async () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    void clock.sleep(20).then(() => seen.push(`sleep@${clock.now()}`));
    clock.schedule(20, () => seen.push(`schedule@${clock.now()}`));
    clock.schedule(10, () => seen.push(`early@${clock.now()}`));
    void clock.sleep(20).then(() => seen.push(`sleep2@${clock.now()}`));
    expect(clock.pending()).toBe(4);
    await clock.advance(19);
    expect(seen).toEqual(["early@1010"]);
    await clock.advance(1);
    expect(seen).toEqual(["early@1010", "sleep@1020", "schedule@1020", "sleep2@1020"]);
    expect(clock.pending()).toBe(0);
  });

  test("a cancelled timer never fires and leaves the heap; cancelling twice or after firing is harmless", async () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const handle = clock.schedule(50, () => fired++);
    handle.cancel();
    handle.cancel();
    expect(clock.pending()).toBe(0);
    const later = clock.schedule(60, () => fired++);
    await clock.runUntilIdle();
    later.cancel();
    expect(fired).toBe(1);
    expect(clock.now()).toBe(60);
  });

  test("cancelled by another callback due at the same instant, it does not run", async () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    let second: { cancel(): void } | null = null;
    clock.schedule(5, () => {
      seen.push("first");
      second?.cancel();
    });
    second = clock.schedule(5, () => seen.push("second"));
    await clock.runUntilIdle();
    expect(seen).toEqual(["first"]);
  });

  test("due now runs in a microtask, never synchronously, and an infinite delay never runs", async () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    clock.schedule(0, () => seen.push("now"));
    clock.schedule(Number.POSITIVE_INFINITY, () => seen.push("never"));
    expect(seen).toEqual([]);
    expect(clock.pending()).toBe(0);
    await clock.drain();
    expect(seen).toEqual(["now"]);
  });
});

describe("sleeps sharing a signal", () => {
  test("one abort rejects every pending sleep on it, in the order they were set, and leaves the heap", async () => {
    const clock = new ManualClock(0);
    const ctl = new AbortController();
    const order: number[] = [];
    const sleeps = [30, 10, 20].map((ms) =>
      clock.sleep(ms, ctl.signal).then(
        () => order.push(-ms),
        () => order.push(ms),
      ),
    );
    const unrelated = clock.sleep(15);
    await clock.advance(10); // the 10 ms sleep has fired and is no longer listed
    ctl.abort(new Error("gone"));
    await Promise.all(sleeps);
    expect(order).toEqual([-10, 30, 20]);
    expect(clock.pending()).toBe(1);
    await clock.runUntilIdle();
    await unrelated;
    expect(clock.now()).toBe(15);
  });

  test("thousands of sequential sleeps on one long-lived signal fire on time and abort cleanly afterwards", async () => {
    const clock = new ManualClock(0);
    const ctl = new AbortController();
    let ticks = 0;
    const loop = (async () => {
      for (let i = 0; i < 5000; i++) {
        await clock.sleep(2, ctl.signal);
        ticks++;
      }
    })();
    await clock.runUntilIdle();
    await loop;
    expect(ticks).toBe(5000);
    expect(clock.now()).toBe(10_000);
    ctl.abort(new Error("late"));
    await expect(clock.sleep(1, ctl.signal)).rejects.toThrow("late");
    expect(clock.pending()).toBe(0);
  });
});

describe("lazyAbort", () => {
  test("an aborted sleep rejects with the reason when it comes due, not at the abort", async () => {
    const clock = new ManualClock(0, { lazyAbort: true });
    const ctl = new AbortController();
    const seen: string[] = [];
    void clock.sleep(50, ctl.signal).then(
      () => seen.push("resolved"),
      (err: Error) => seen.push(`rejected@${clock.now()}:${err.message}`),
    );
    void clock.sleep(60, new AbortController().signal).then(() => seen.push(`resolved@${clock.now()}`));
    ctl.abort(new Error("gone"));
    await clock.drain();
    expect(seen).toEqual([]);
    expect(clock.pending()).toBe(2);
    await clock.runUntilIdle();
    expect(seen).toEqual(["rejected@50:gone", "resolved@60"]);
    await expect(clock.sleep(5, ctl.signal)).rejects.toThrow("gone"); // already aborted: at once
    expect(clock.pending()).toBe(0);
  });
});

describe("draining between instants", () => {
  test("an await chain of any length without touching the clock still runs before time moves", async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const worker = async () => {
      for (let round = 0; round < 3; round++) {
        await clock.sleep(10);
        for (let i = 0; i < 5000; i++) await null; // far past any fixed number of drain turns
        seen.push(clock.now());
        await clock.sleep(1);
      }
    };
    const done = worker();
    await clock.runUntilIdle();
    await done;
    expect(seen).toEqual([10, 21, 32]);
  });

  test("drain settles promise chains without moving time", async () => {
    const clock = new ManualClock(500);
    let reached = false;
    void (async () => {
      for (let i = 0; i < 1000; i++) await Promise.resolve();
      reached = true;
    })();
    await clock.drain();
    expect(reached).toBe(true);
    expect(clock.now()).toBe(500);
  });
});

describe("Watchdog on the clock's schedule()", () => {
  test("fires at the right virtual time after re-arms, and leaves no timers", async () => {
    const clock = new ManualClock(0);
    const fired: [string, number][] = [];
    const dog = new Watchdog<string>(clock, "total", (phase) => fired.push([phase, clock.now()]));
    dog.arm("first_token", 100);
    await clock.advance(40);
    dog.arm("total", 1000); // later: no new timer, the sleeping one re-checks at 100
    await clock.advance(70);
    dog.arm("idle", 150); // earlier than 1000: restarts
    await clock.advance(100);
    const second = new Watchdog<string>(clock, "total", (phase) => fired.push([`stopped-${phase}`, clock.now()]));
    second.arm("idle", 250);
    second.stop();
    await clock.runUntilIdle();
    expect(fired).toEqual([["idle", 150]]);
    expect(clock.pending()).toBe(0);
  });
});
