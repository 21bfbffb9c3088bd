// The cheap abort plumbing of an attempt: adapters that declare `lightSignal` get a plain stand-in
// that still aborts on our deadlines, others a real AbortSignal made only when read; one client
// listener per request forwards a disconnect to whichever attempt is live.
import { describe, expect, test } from "bun:test";
import { AttemptRun } from "../../src/runtime/attempt/attempt-run.ts";
import { ClientGone, DeadlineExceeded } from "../../src/runtime/attempt/classify.ts";
import { ClientWatch } from "../../src/runtime/attempt/client-watch.ts";
import { createEngine } from "../../src/runtime/engine.ts";
import { LightSignal } from "../../src/runtime/attempt/light-signal.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import type { ProviderAdapter, UpstreamCall } from "../../src/runtime/upstream.ts";
import { chainGraph, model, settings } from "./fixtures.ts";

describe("LightSignal", () => {
  test("fires its listeners once, in order, with the reason; removed listeners and late aborts are ignored", () => {
    const s = new LightSignal();
    const seen: string[] = [];
    const a = () => seen.push(`a:${String(s.reason)}`);
    const b = () => seen.push("b");
    s.addEventListener("abort", a);
    s.addEventListener("abort", b);
    s.addEventListener("abort", { handleEvent: () => seen.push("object") });
    s.removeEventListener("abort", b);
    expect(() => s.throwIfAborted()).not.toThrow();
    s.fire("first");
    s.fire("second");
    expect(seen).toEqual(["a:first", "object"]);
    expect(s.aborted).toBe(true);
    expect(() => s.throwIfAborted()).toThrow("first");
  });
});

describe("AttemptRun signals", () => {
  test("a signal first read after the abort is already aborted with the same reason, light or real", () => {
    const run = new AttemptRun(new ManualClock(0), new AbortController().signal, 1_000);
    const reason = new DeadlineExceeded("connect");
    run.abort(reason);
    expect(run.aborted).toBe(true);
    expect(run.signal).toBeInstanceOf(AbortSignal);
    expect(run.signal.reason).toBe(reason);
    expect(run.lightSignal.aborted).toBe(true);
    expect(run.lightSignal.reason).toBe(reason);
  });
});

describe("ClientWatch", () => {
  test("forwards a client abort to the live attempt only, and not after the request closed it", () => {
    const clock = new ManualClock(0);
    const client = new AbortController();
    const watch = new ClientWatch(client.signal);
    const first = new AttemptRun(clock, client.signal, 1_000, watch);
    first.finish();
    const second = new AttemptRun(clock, client.signal, 1_000, watch);
    client.abort();
    expect(first.aborted).toBe(false);
    expect(second.abortReason).toBeInstanceOf(ClientGone);

    const later = new AbortController();
    const closed = new ClientWatch(later.signal);
    const run = new AttemptRun(clock, later.signal, 1_000, closed);
    closed.close();
    later.abort();
    expect(run.aborted).toBe(false);
  });
});

describe("engine signals per adapter", () => {
  const g = chainGraph([model("a")], settings({ timeout: { connectMs: 100, firstTokenMs: 200 } }));

  async function timedOut(lightSignal: boolean): Promise<{ signal: AbortSignal; status: number }> {
    const clock = new ManualClock(0);
    const ports = {
      clock,
      random: new SeededRandom(1),
      transport: { fetch: () => Promise.reject(new Error("no network")) },
      secrets: { get: () => undefined },
    };
    let seen: UpstreamCall | null = null;
    const adapter: ProviderAdapter = {
      lightSignal,
      // never answers: only our first-token deadline ends the attempt
      chat: (call) => {
        seen = call;
        return new Promise(() => {});
      },
      embeddings: () => Promise.reject(new Error("unused")),
    };
    const engine = createEngine({ graph: g, ports, adapters: { openai: adapter } });
    const pending = engine.chat({
      id: "x",
      route: "r",
      body: { messages: [{ role: "user", content: "hi" }] },
      headers: new Headers(),
      receivedAt: 0,
    }); // no signal: no client
    await clock.advance(200);
    const out = await pending;
    if (seen === null) throw new Error("the adapter was never called");
    return { signal: (seen as UpstreamCall).signal, status: out.kind === "error" ? out.status : 200 };
  }

  test("a lightSignal adapter gets the stand-in, aborted by the deadline", async () => {
    const { signal, status } = await timedOut(true);
    expect(signal).toBeInstanceOf(LightSignal);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DeadlineExceeded);
    expect(status).toBe(504);
  });

  test("any other adapter gets a real AbortSignal, aborted by the deadline", async () => {
    const { signal, status } = await timedOut(false);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DeadlineExceeded);
    expect(status).toBe(504);
  });
});
