// The per-attempt lifetime: deadlines abort the attempt's signal with a reason the engine can
// classify, and a client that is already gone aborts it at once.
import { describe, expect, test } from "bun:test";
import { AttemptRun } from "../../src/runtime/attempt/attempt-run.ts";
import { ClientGone, DeadlineExceeded } from "../../src/runtime/attempt/classify.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";

describe("AttemptRun", () => {
  test("an already-aborted client signal aborts the run immediately", () => {
    const clock = new ManualClock(0);
    const client = new AbortController();
    client.abort();
    const run = new AttemptRun(clock, client.signal, 1_000);
    expect(run.signal.aborted).toBe(true);
    expect(run.abortReason).toBeInstanceOf(ClientGone);
    expect(clock.pending()).toBe(0);
  });

  test("the watchdog moves earlier when re-armed to a closer deadline and is capped by the request deadline", async () => {
    const clock = new ManualClock(0);
    const run = new AttemptRun(clock, new AbortController().signal, 10_000);
    run.arm("first_token", 5_000);
    run.arm("idle", 300);
    const raced = run.race(new Promise(() => {})).catch((e: unknown) => e);
    await clock.advance(299);
    expect(run.signal.aborted).toBe(false);
    await clock.advance(1);
    const reason = await raced;
    expect(reason).toBeInstanceOf(DeadlineExceeded);
    expect((reason as DeadlineExceeded).phase).toBe("idle");
    expect(clock.pending()).toBe(0);

    const capped = new AttemptRun(clock, new AbortController().signal, clock.now() + 100);
    capped.arm("first_token", clock.now() + 5_000);
    await clock.advance(100);
    expect((capped.abortReason as DeadlineExceeded).phase).toBe("total");
  });

  test("finish stops the watchdog and unhooks from the client", async () => {
    const clock = new ManualClock(0);
    const client = new AbortController();
    const run = new AttemptRun(clock, client.signal, 10_000);
    run.arm("connect", 1_000);
    expect(clock.pending()).toBe(1);
    run.finish();
    expect(clock.pending()).toBe(0);
    client.abort();
    expect(run.signal.aborted).toBe(false);
  });
});
