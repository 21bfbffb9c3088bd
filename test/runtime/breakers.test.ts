// Circuit breaker lifecycle, the all-open policy and provider-wide breakers.
import { describe, expect, test } from "bun:test";
import { chainGraph, err, harness, model, provider, settings } from "./fixtures.ts";

const brk = (over: Partial<ReturnType<typeof settings>["breaker"]> = {}) =>
  settings({ breaker: { failures: 2, cooldownMs: 10_000, probes: 1, successes: 1, ...over } });

describe("breakers", () => {
  test("open → skip → half-open probe → closed", async () => {
    const h = harness(chainGraph([model("a"), model("b")], brk()));
    h.upstream.script("a", (n) =>
      n < 2 ? { kind: "fail", error: err("server", 500) } : { kind: "completion", text: "back" },
    );
    await h.chat();
    await h.chat();
    expect(h.engine.state().breakers.a!.phase).toBe("open");
    expect(h.breakerEvents).toEqual([{ model: "a", from: "closed", to: "open", at: h.clock.now() }]);

    const skipped = await h.chat();
    expect(skipped.meta.servedModel).toBe("b");
    expect(skipped.meta.skipped).toEqual([{ model: "a", reason: "breaker_open" }]);
    expect(h.upstream.callsTo("a")).toHaveLength(2);

    await h.clock.advance(10_000);
    const probe = await h.chat();
    expect(probe.meta.servedModel).toBe("a");
    expect(h.breakerEvents.map((e) => `${e.from}>${e.to}`)).toEqual([
      "closed>open",
      "open>half_open",
      "half_open>closed",
    ]);
    expect(h.engine.state().breakers.a!.phase).toBe("closed");
  });

  test("a failed probe reopens the breaker", async () => {
    const h = harness(chainGraph([model("a"), model("b")], brk({ failures: 1 })));
    h.upstream.script("a", [{ kind: "fail", error: err("server", 502) }]);
    await h.chat();
    await h.clock.advance(10_000);
    const probe = await h.chat();
    expect(probe.meta.attempts.map((a) => a.model)).toEqual(["a", "b"]);
    expect(h.engine.state().breakers.a).toMatchObject({ phase: "open", openedAt: h.clock.now() });
    expect(h.breakerEvents.map((e) => e.to)).toEqual(["open", "half_open", "open"]);
  });

  test("half-open lets exactly `probes` concurrent probes through", async () => {
    const h = harness(chainGraph([model("a"), model("b")], brk({ failures: 1, probes: 2, successes: 2 })));
    h.upstream.script("a", (n) =>
      n === 0 ? { kind: "fail", error: err("server", 500) } : { kind: "completion", text: "ok", wait: 100 },
    );
    await h.chat();
    await h.clock.advance(10_000);
    const running = [0, 1, 2].map(() => h.engine.chat(h.request({})));
    await h.clock.runUntilIdle();
    const outs = await Promise.all(running);
    expect(outs.map((o) => o.meta.servedModel).sort()).toEqual(["a", "a", "b"]);
    expect(outs.find((o) => o.meta.servedModel === "b")!.meta.skipped).toEqual([
      { model: "a", reason: "breaker_open" },
    ]);
    expect(h.engine.state().breakers.a!.phase).toBe("closed");
  });

  // All-open policy: when every candidate's breaker is open we do not force a doomed attempt;
  // the client gets 503 at once with Retry-After = seconds until the earliest breaker half-opens.
  test("all breakers open → 503 with retryAfterS and no attempt", async () => {
    const h = harness(chainGraph([model("a"), model("b")], brk({ failures: 1, cooldownMs: 30_000 })));
    h.upstream.script("a", [{ kind: "fail", error: err("server", 500) }]);
    h.upstream.script("b", [{ kind: "fail", error: err("server", 500) }]);
    await h.chat();
    await h.clock.advance(5_000);
    h.upstream.script("a", [{ kind: "completion", text: "never" }]);
    const calls = h.upstream.calls.length;
    const out = await h.chat();
    expect(out.kind).toBe("error");
    if (out.kind !== "error") return;
    expect(out.status).toBe(503);
    expect(out.retryAfterS).toBe(25);
    expect(out.error.error.code).toBe("no_available_model");
    expect(h.upstream.calls.length).toBe(calls);
    expect(out.meta.skipped.map((s) => s.reason)).toEqual(["breaker_open", "breaker_open"]);
  });

  test("client errors, content policy and context length never count towards the breaker", async () => {
    const h = harness(chainGraph([model("a"), model("b")], brk({ failures: 1 })));
    h.upstream.script("a", [{ kind: "fail", error: err("client", 400) }]);
    await h.chat();
    h.upstream.script("a", [{ kind: "fail", error: err("context_length", 400) }]);
    await h.chat();
    expect(h.engine.state().breakers.a!.phase).toBe("closed");
    expect(h.breakerEvents).toEqual([]);
  });

  test("the error-rate rule opens the breaker over the window once minRequests is reached", async () => {
    const h = harness(
      chainGraph([model("a"), model("b")], brk({ failures: 100, errorRate: 0.5, minRequests: 4, windowMs: 60_000 })),
    );
    h.upstream.script("a", (n) =>
      n % 2 === 0 ? { kind: "completion", text: "ok" } : { kind: "fail", error: err("server", 500) },
    );
    for (let i = 0; i < 3; i++) await h.chat();
    expect(h.engine.state().breakers.a!.phase).toBe("closed");
    await h.chat(); // 4th request: 2 of 4 failed
    expect(h.engine.state().breakers.a!.phase).toBe("open");
  });

  test("auth and connect failures open the provider-wide breaker, skipping its other models", async () => {
    const h = harness(
      chainGraph([model("a"), model("a2"), model("z", { provider: "q" })], brk({ failures: 2 }), [
        provider("p"),
        provider("q"),
      ]),
    );
    h.upstream.script("a", [{ kind: "fail", error: err("auth", 401) }]);
    h.upstream.script("a2", [{ kind: "fail", error: err("connect") }]);
    const first = await h.chat();
    expect(first.meta.servedModel).toBe("z");
    expect(h.engine.state().breakers["provider:p"]!.phase).toBe("open");
    const second = await h.chat();
    expect(second.meta.skipped).toEqual([
      { model: "a", reason: "breaker_open" },
      { model: "a2", reason: "breaker_open" },
    ]);
    expect(h.breakerEvents.some((e) => e.model === "provider:p" && e.to === "open")).toBe(true);
  });
});
