// Retries with backoff and Retry-After, timeouts, and the failure classes with special handling
// (context_length, content_policy), plus quota chaining.
import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../../src/runtime/upstream.ts";
import { chainGraph, err, harness, model, settings } from "./fixtures.ts";

const backoffSleeps = (h: ReturnType<typeof harness>, signal: AbortSignal) =>
  h.clock.sleeps.filter((s) => s.signal === signal).map((s) => s.ms);

describe("retry", () => {
  test("retryable statuses retry the same model with exponential backoff (exact sleeps requested)", async () => {
    const s = settings({
      retry: { attempts: 4, backoffBaseMs: 100, backoffMaxMs: 300, jitter: 0 },
      breaker: { failures: 10 },
    });
    const h = harness(chainGraph([model("a"), model("b")], s));
    h.upstream.script("a", (n) =>
      n < 3 ? { kind: "fail", error: err("server", 503) } : { kind: "completion", text: "ok" },
    );
    const signal = new AbortController().signal;
    const out = await h.chat({}, { signal });
    expect(out.meta.servedModel).toBe("a");
    expect(backoffSleeps(h, signal)).toEqual([100, 200, 300]);
    expect(out.meta.attempts.map((a) => a.startedAt - out.meta.startedAt)).toEqual([0, 100, 300, 600]);
    expect(out.meta.failovers).toBe(0);
  });

  test("jitter removes up to its fraction of the delay using the Random port", async () => {
    const s = settings({ retry: { attempts: 2, backoffBaseMs: 1_000, jitter: 0.5 } });
    const h = harness(chainGraph([model("a")], s), { random: { next: () => 0.5 } });
    h.upstream.script("a", (n) =>
      n === 0 ? { kind: "fail", error: err("rate_limit", 429) } : { kind: "completion", text: "ok" },
    );
    const signal = new AbortController().signal;
    await h.chat({}, { signal });
    expect(backoffSleeps(h, signal)).toEqual([750]);
  });

  test("attempts per model and maxPerRequest both cap retries", async () => {
    const s = settings({ retry: { attempts: 3, maxPerRequest: 4 } });
    const h = harness(chainGraph([model("a"), model("b"), model("c")], s));
    for (const m of ["a", "b", "c"]) h.upstream.script(m, [{ kind: "fail", error: err("server", 500) }]);
    const out = await h.chat();
    expect(out.meta.attempts.map((a) => a.model)).toEqual(["a", "a", "a", "b"]);
    expect(out.kind === "error" && out.status).toBe(502);
  });

  test("Retry-After within the cap is waited for; over the cap fails over at once", async () => {
    const s = settings({ retry: { attempts: 2, retryAfterCapMs: 5_000 } });
    const h = harness(chainGraph([model("a"), model("b")], s));
    h.upstream.script("a", (n) =>
      n === 0 ? { kind: "fail", error: err("rate_limit", 429, 3_000) } : { kind: "completion", text: "ok" },
    );
    const sig1 = new AbortController().signal;
    const waited = await h.chat({}, { signal: sig1 });
    expect(waited.meta.servedModel).toBe("a");
    expect(backoffSleeps(h, sig1)).toEqual([3_000]);

    h.upstream.script("a", [{ kind: "fail", error: err("rate_limit", 429, 60_000) }]);
    const sig2 = new AbortController().signal;
    const t0 = h.clock.now();
    const failedOver = await h.chat({}, { signal: sig2 });
    expect(failedOver.meta.servedModel).toBe("b");
    expect(backoffSleeps(h, sig2)).toEqual([]);
    expect(h.clock.now() - t0).toBe(0);
  });

  test("a backoff that would pass the total deadline is not slept; the request moves on", async () => {
    const s = settings({
      retry: { attempts: 3, backoffBaseMs: 5_000, backoffMaxMs: 10_000 },
      timeout: { totalMs: 4_000 },
    });
    const h = harness(chainGraph([model("a"), model("b")], s));
    h.upstream.script("a", [{ kind: "fail", error: err("server", 500) }]);
    const signal = new AbortController().signal;
    const out = await h.chat({}, { signal });
    expect(out.meta.servedModel).toBe("b");
    expect(backoffSleeps(h, signal)).toEqual([]);
  });

  test("context_length skips to the next candidate with a larger window", async () => {
    const h = harness(
      chainGraph([
        model("mid", { contextWindow: 8_000 }),
        model("small", { contextWindow: 4_000 }),
        model("large", { contextWindow: 32_000 }),
      ]),
    );
    h.upstream.script("mid", [
      { kind: "fail", error: new UpstreamError("context_length", "too long", 400, null, "context_length_exceeded") },
    ]);
    const out = await h.chat();
    expect(out.meta.servedModel).toBe("large");
    expect(h.upstream.callsTo("small")).toHaveLength(0);
    expect(out.meta.skipped).toEqual([{ model: "small", reason: "context" }]);
  });

  test("content_policy goes back to the client as 400 unless failoverOnContentPolicy", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [
      { kind: "fail", error: new UpstreamError("content_policy", "flagged by the safety system", 400) },
    ]);
    const out = await h.chat();
    expect(out.kind).toBe("error");
    if (out.kind !== "error") return;
    expect(out.status).toBe(400);
    expect(out.error.error.code).toBe("content_policy_violation");
    expect(out.error.error.message).toContain("flagged by the safety system");
    expect(h.upstream.callsTo("b")).toHaveLength(0);

    const h2 = harness(chainGraph([model("a"), model("b")], settings({ failoverOnContentPolicy: true })));
    h2.upstream.script("a", [{ kind: "fail", error: new UpstreamError("content_policy", "flagged", 400) }]);
    expect((await h2.chat()).meta.servedModel).toBe("b");
  });
});

describe("timeouts", () => {
  test("connect: a silent upstream is aborted after connectMs and the next candidate serves", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "hang" }]);
    const t0 = h.clock.now();
    const out = await h.chat({ stream: true });
    expect(out.meta.servedModel).toBe("b");
    expect(h.upstream.callsTo("a")[0]!.signal.aborted).toBe(true);
    expect(h.upstream.callsTo("b")[0]!.at - t0).toBe(1_000);
    expect(out.meta.attempts[0]).toMatchObject({
      model: "a",
      cls: "timeout",
      status: null,
      message: "connect timeout",
    });
    if (out.kind === "stream") for await (const _ of out.events);
  });

  test("first token: headers and a role chunk are not content; the attempt times out at firstTokenMs", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, { hang: true }] }]);
    const t0 = h.clock.now();
    const { outcome, events } = await h.stream();
    expect(outcome.meta.servedModel).toBe("b");
    expect(h.upstream.callsTo("b")[0]!.at - t0).toBe(5_000);
    expect(outcome.meta.attempts[0]!.message).toBe("first token timeout");
    expect(events.at(-1)).toEqual({ type: "done" });
  });

  test("non-stream: the whole completion must arrive within the first-token budget", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "completion", text: "slow", wait: 9_000 }]);
    const out = await h.chat();
    expect(out.meta.servedModel).toBe("b");
    expect(out.meta.attempts[0]!.durationMs).toBe(5_000);
  });

  test("a timed-out model is not retried unless `timeout` is in onClasses", async () => {
    const s = settings({ retry: { attempts: 3 } });
    const h = harness(chainGraph([model("a"), model("b")], s));
    h.upstream.script("a", [{ kind: "hang" }]);
    await h.chat({ stream: true }).then(async (o) => {
      if (o.kind === "stream") for await (const _ of o.events);
    });
    expect(h.upstream.callsTo("a")).toHaveLength(1);

    const s2 = settings({ retry: { attempts: 2, onClasses: ["connect", "reset", "timeout"], jitter: 0 } });
    const h2 = harness(chainGraph([model("a"), model("b")], s2));
    h2.upstream.script("a", [{ kind: "hang" }]);
    await h2.chat();
    expect(h2.upstream.callsTo("a")).toHaveLength(2);
  });

  test("total: the request budget bounds every attempt; the answer is 504 at exactly totalMs", async () => {
    const s = settings({ timeout: { connectMs: 1_000, firstTokenMs: 2_500, totalMs: 3_000 } });
    const h = harness(chainGraph([model("a"), model("b"), model("c")], s));
    for (const m of ["a", "b", "c"]) h.upstream.script(m, [{ kind: "hang" }]);
    const t0 = h.clock.now();
    const out = await h.chat();
    expect(out.kind).toBe("error");
    if (out.kind !== "error") return;
    expect(out.status).toBe(504);
    expect(out.meta.endedAt! - t0).toBe(3_000);
    expect(out.error.error.message).toContain("a:timeout,b:timeout");
    expect(h.upstream.calls.every((c) => c.signal.aborted)).toBe(true);
    expect(h.clock.pending()).toBe(0);
  });
});

describe("quotas", () => {
  test("a spent free tier skips to the next model until its window resets", async () => {
    const free = model("free", { limits: [{ metric: "requests", amount: 2, window: "minute" }] });
    const h = harness(chainGraph([free, model("paid")]), { start: 60_000 * 1000 });
    const served: (string | null)[] = [];
    for (let i = 0; i < 3; i++) served.push((await h.chat()).meta.servedModel);
    expect(served).toEqual(["free", "free", "paid"]);
    expect((await h.chat()).meta.skipped).toEqual([{ model: "free", reason: "quota" }]);
    await h.clock.advance(60_000);
    expect((await h.chat()).meta.servedModel).toBe("free");
  });

  test("token and usd budgets count usage; all spent → 503 with Retry-After until the window resets", async () => {
    const a = model("a", { limits: [{ metric: "tokens", amount: 1_000, window: "hour" }] });
    const h = harness(chainGraph([a]), { start: 3_600_000 * 10 });
    h.upstream.script("a", [
      { kind: "completion", text: "x", usage: { prompt_tokens: 600, completion_tokens: 500, total_tokens: 1_100 } },
    ]);
    expect((await h.chat()).meta.servedModel).toBe("a");
    await h.clock.advance(600_000);
    const out = await h.chat();
    expect(out.kind === "error" && out.status).toBe(503);
    expect(out.kind === "error" && out.retryAfterS).toBe(3_000);
  });

  test("an upstream quota error marks the model's quota spent until the window end", async () => {
    const a = model("a", { limits: [{ metric: "requests", amount: 1_000, window: "day" }] });
    const h = harness(chainGraph([a, model("b")]), { start: 86_400_000 * 100 + 5_000 });
    h.upstream.script("a", (n) =>
      n === 0 ? { kind: "fail", error: err("quota", 429) } : { kind: "completion", text: "ok" },
    );
    expect((await h.chat()).meta.servedModel).toBe("b");
    expect((await h.chat()).meta.skipped).toEqual([{ model: "a", reason: "quota" }]);
    await h.clock.advanceTo(86_400_000 * 101);
    expect((await h.chat()).meta.servedModel).toBe("a");
  });
});
