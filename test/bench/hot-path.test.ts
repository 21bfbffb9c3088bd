// The pieces the performance work added to the hot path keep their promises: batched log lines
// are all written, in order, and promptly; shared watchdog timers fire in deadline order and never
// after a cancel; the benchmarks' own fixtures mean what their names say.
import { describe, expect, test } from "bun:test";
import { buildCore } from "../../src/runtime/flow/context.ts";
import { decideChat } from "../../src/runtime/plan/decide.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { batchedLog } from "../../src/server/log-writer.ts";
import { hundredRulePolicy } from "../../bench/lib/fixtures.ts";
import { benchPorts, compileOrThrow, instantTransport, streamOf } from "../../bench/lib/in-process.ts";
import { defaultAdapters } from "../../src/providers/index.ts";

describe("batched request log", () => {
  test("queued lines are written together, in order, once flushed", () => {
    const writes: string[] = [];
    const log = batchedLog((text) => writes.push(text), { delayMs: 60_000 });
    log.sink("one");
    log.sink("two");
    expect(writes).toEqual([]);
    log.flush();
    expect(writes).toEqual(["one\ntwo\n"]);
    log.flush();
    expect(writes).toHaveLength(1);
  });

  test("a large batch is written at once, without waiting for the timer", () => {
    const writes: string[] = [];
    const log = batchedLog((text) => writes.push(text), { delayMs: 60_000, maxChars: 10 });
    log.sink("12345");
    expect(writes).toEqual([]);
    log.sink("67890");
    expect(writes).toEqual(["12345\n67890\n"]);
  });

  test("a quiet line is written by the timer on its own", async () => {
    const written = Promise.withResolvers<string>();
    const log = batchedLog((text) => written.resolve(text), { delayMs: 1 });
    log.sink("alone");
    expect(await written.promise).toBe("alone\n");
  });

  test("flush can go through another writer (the synchronous one used at exit)", () => {
    const normal: string[] = [];
    const atExit: string[] = [];
    const log = batchedLog((text) => normal.push(text), { delayMs: 60_000 });
    log.sink("last words");
    log.flush((text) => atExit.push(text));
    expect(normal).toEqual([]);
    expect(atExit).toEqual(["last words\n"]);
  });
});

describe("SystemClock.schedule", () => {
  test("timers fire in deadline order and a cancelled one never fires", async () => {
    const clock = new SystemClock();
    const fired: string[] = [];
    const done = Promise.withResolvers<void>();
    clock.schedule(3, () => {
      fired.push("late");
      done.resolve();
    });
    const cancelled = clock.schedule(1, () => fired.push("cancelled"));
    clock.schedule(2, () => fired.push("early"));
    cancelled.cancel();
    await done.promise;
    expect(fired).toEqual(["early", "late"]);
  });

  test("a timer earlier than the armed one still fires first", async () => {
    const clock = new SystemClock();
    const fired: string[] = [];
    const done = Promise.withResolvers<void>();
    clock.schedule(50, () => {
      fired.push("slow");
      done.resolve();
    });
    clock.schedule(1, () => fired.push("fast"));
    await done.promise;
    expect(fired).toEqual(["fast", "slow"]);
  });

  test("cancelling after firing is harmless", async () => {
    const clock = new SystemClock();
    const done = Promise.withResolvers<void>();
    const handle = clock.schedule(0, () => done.resolve());
    await done.promise;
    expect(() => handle.cancel()).not.toThrow();
  });
});

describe("bench fixtures", () => {
  test("the 100-rule policy compiles cleanly and a plain request falls through to `otherwise`", () => {
    const graph = compileOrThrow(hundredRulePolicy());
    expect(graph.routes[0]!.rules).toHaveLength(100);
    const core = buildCore({ graph, ports: benchPorts(instantTransport()), adapters: defaultAdapters() }, {});
    const body = { model: "chat", messages: [{ role: "user", content: "hi" }], metadata: { team: "infra" } };
    const decision = decideChat(core, {
      id: "r",
      route: "chat",
      body,
      headers: new Headers({ "x-tier": "pro" }),
      signal: new AbortController().signal,
      receivedAt: 0,
    });
    expect(decision.prepared.ok).toBe(true);
    if (decision.prepared.ok)
      expect(decision.prepared.viable.map((e) => e.name)).toEqual(["m0", "m2", "m4", "m6", "m8"]);
  });

  test("a longer bench stream adds exactly the requested content events", () => {
    const events = (bytes: Uint8Array) => new TextDecoder().decode(bytes).split("\n\n").filter(Boolean).length;
    expect(events(streamOf(200)) - events(streamOf(0))).toBe(200);
  });
});
