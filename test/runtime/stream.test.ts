// Streaming: restart before the first content, seamless mid-stream continuation, break errors
// that never look like a normal end, [DONE]-less upstreams, usage, client aborts, checkpoints.
import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../src/runtime/api.ts";
import { CONTINUE_INSTRUCTION } from "../../src/runtime/stream/continuation.ts";
import { UpstreamError } from "../../src/runtime/upstream.ts";
import { chainGraph, err, harness, model, settings, textOf, textSteps, usage } from "./fixtures.ts";

const chunks = (events: StreamEvent[]) => events.flatMap((e) => (e.type === "chunk" ? [e.chunk] : []));
const roles = (events: StreamEvent[]) =>
  chunks(events).filter((c) => c.choices.some((x) => x.delta.role !== undefined)).length;
const cut = () => ({ fail: new UpstreamError("cut", "connection reset mid-stream") });
const lastMessages = (body: Record<string, unknown>, n: number) =>
  (body.messages as { role: string; content: unknown }[]).slice(-n);

describe("stream basics", () => {
  test("chunks pass through with one id, the serving model's name, and one final usage chunk when asked", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [{ kind: "stream", steps: textSteps("Hel|lo", usage(10, 2)) }]);
    const { outcome, events } = await h.stream({ stream_options: { include_usage: true } });
    expect(outcome.kind).toBe("stream");
    expect(textOf(events)).toBe("Hello");
    const cs = chunks(events);
    expect(new Set(cs.map((c) => c.id)).size).toBe(1);
    expect(cs.every((c) => c.model === "a" && c.object === "chat.completion.chunk")).toBe(true);
    const usageChunks = cs.filter((c) => c.usage);
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]).toMatchObject({ choices: [], usage: usage(10, 2), model: "a" });
    expect(events.at(-1)).toEqual({ type: "done" });
    expect(outcome.meta.usage).toEqual(usage(10, 2));
    expect(h.done).toHaveLength(1);
  });

  test("usage is always requested upstream and booked, but only forwarded when the client asked", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [{ kind: "stream", steps: textSteps("Hi", usage(7, 1)) }]);
    const { outcome, events } = await h.stream();
    expect(h.upstream.calls[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(chunks(events).some((c) => c.usage)).toBe(false);
    expect(outcome.meta.usage).toEqual(usage(7, 1));
    expect(h.engine.state().counters.a!.tokensIn).toBe(7);
  });

  test("malformed chunks mid-stream are dropped, not fatal", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [
      {
        kind: "stream",
        steps: [
          { role: "assistant" },
          { text: "A" },
          { raw: "garbage" },
          { raw: { choices: "nope" } },
          { text: "B" },
          { finish: "stop" },
        ],
      },
    ]);
    const { events } = await h.stream();
    expect(textOf(events)).toBe("AB");
    expect(events.at(-1)).toEqual({ type: "done" });
  });
});

describe("before the first content", () => {
  test("a failure before any content restarts cleanly on the next candidate", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, { wait: 10 }, cut()] }]);
    h.upstream.script("b", [{ kind: "stream", steps: textSteps("from b") }]);
    const { outcome, events } = await h.stream();
    expect(outcome.meta.servedModel).toBe("b");
    expect(textOf(events)).toBe("from b");
    expect(roles(events)).toBe(1);
    expect(outcome.meta.attempts.map((a) => `${a.model}:${a.cls}`)).toEqual(["a:cut", "b:ok"]);
  });

  test("if every candidate fails before content the client gets a clean HTTP error, not a stream", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, cut()] }]);
    h.upstream.script("b", [{ kind: "fail", error: err("server", 503) }]);
    const { outcome } = await h.stream();
    expect(outcome.kind).toBe("error");
    expect(outcome.kind === "error" && outcome.status).toBe(502);
    expect(outcome.kind === "error" && outcome.error.error.message).toContain("a:cut,b:503");
  });
});

describe("mid-stream continuation", () => {
  test("without prefill the fallback gets the delivered text plus a continue instruction; the client sees one seamless stream", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [
      { kind: "stream", steps: [{ role: "assistant" }, { text: "Hello " }, { text: "wor" }, cut()] },
    ]);
    h.upstream.script("b", [
      { kind: "stream", steps: [{ role: "assistant" }, { text: "ld!" }, { finish: "stop" }, { usage: usage(20, 3) }] },
    ]);
    const { outcome, events } = await h.stream({ stream_options: { include_usage: true } });
    expect(textOf(events)).toBe("Hello world!");
    expect(roles(events)).toBe(1);
    const cs = chunks(events);
    expect(new Set(cs.map((c) => c.id)).size).toBe(1);
    expect(new Set(cs.map((c) => c.created)).size).toBe(1);
    expect(cs.filter((c) => c.choices[0]?.delta.content).map((c) => c.model)).toEqual(["a", "a", "b"]);
    expect(lastMessages(h.upstream.callsTo("b")[0]!.body, 2)).toEqual([
      { role: "assistant", content: "Hello wor" },
      { role: "user", content: CONTINUE_INSTRUCTION },
    ]);
    expect(outcome.meta.continuations).toBe(1);
    expect(outcome.meta.servedModel).toBe("b");
    expect(events.at(-1)).toEqual({ type: "done" });
  });

  test("with prefill the fallback gets just a trailing assistant message", async () => {
    const h = harness(chainGraph([model("a"), model("b", { caps: ["chat", "stream", "prefill"] })]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, { text: "Hello wor" }, cut()] }]);
    h.upstream.script("b", [{ kind: "stream", steps: textSteps("ld!") }]);
    const { events } = await h.stream();
    expect(textOf(events)).toBe("Hello world!");
    const msgs = h.upstream.callsTo("b")[0]!.body.messages as { role: string; content: string }[];
    expect(msgs.at(-1)).toEqual({ role: "assistant", content: "Hello wor" });
    expect(msgs.at(-2)).toEqual({ role: "user", content: "hi" });
  });

  test("a continuation that starts over has its repeated prefix trimmed", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [
      { kind: "stream", steps: [{ role: "assistant" }, { text: "The answer " }, { text: "is" }, cut()] },
    ]);
    h.upstream.script("b", [{ kind: "stream", steps: textSteps("The ans|wer is 4|2.") }]);
    const { events } = await h.stream();
    expect(textOf(events)).toBe("The answer is 42.");
  });

  test("a stall past the idle timeout aborts the upstream and continues on the next model", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, { text: "partial" }, { hang: true }] }]);
    h.upstream.script("b", [{ kind: "stream", steps: textSteps(" rest") }]);
    const t0 = h.clock.now();
    const { outcome, events } = await h.stream();
    expect(textOf(events)).toBe("partial rest");
    expect(h.upstream.callsTo("a")[0]!.signal.aborted).toBe(true);
    expect(h.upstream.callsTo("b")[0]!.at - t0).toBe(2_000);
    expect(outcome.meta.attempts[0]).toMatchObject({ model: "a", cls: "timeout", message: "idle timeout" });
  });

  test("a fallback rejecting the continuation does not mask the original break; no done follows", async () => {
    const h = harness(chainGraph([model("a"), model("b", { caps: ["chat", "stream", "prefill"] })]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, { text: "Hello" }, cut()] }]);
    h.upstream.script("b", [{ kind: "fail", error: new UpstreamError("client", "prefill is not supported", 400) }]);
    const { outcome, events } = await h.stream();
    const last = events.at(-1)!;
    expect(last.type).toBe("error");
    expect(events.some((e) => e.type === "done")).toBe(false);
    if (last.type !== "error") return;
    expect(last.error.error.type).toBe("upstream_error");
    expect(last.error.error.message).toContain("broke after 5 chars: connection reset mid-stream");
    expect(last.error.error.message).toContain("continuation failed");
    expect(last.error.error.message).toContain("prefill is not supported");
    expect(last.error.error.message.indexOf("connection reset")).toBeLessThan(
      last.error.error.message.indexOf("prefill"),
    );
    expect(outcome.meta.errorClass).toBe("cut");
  });

  test("onBreak fail ends with an error event and tries no fallback", async () => {
    const h = harness(chainGraph([model("a"), model("b")], settings({ stream: { onBreak: "fail" } })));
    h.upstream.script("a", [
      {
        kind: "stream",
        steps: [{ role: "assistant" }, { text: "abc" }, { fail: new UpstreamError("server", "in-band error event") }],
      },
    ]);
    const { events } = await h.stream();
    expect(textOf(events)).toBe("abc");
    expect(events.at(-1)!.type).toBe("error");
    expect(events.some((e) => e.type === "done")).toBe(false);
    expect(h.upstream.callsTo("b")).toHaveLength(0);
  });

  test("a stream that simply ends without finish_reason is a break, not a normal end", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, { text: "abc" }] }]);
    const { events } = await h.stream();
    const last = events.at(-1)!;
    expect(last.type).toBe("error");
    expect(last.type === "error" && last.error.error.message).toContain("without a finish_reason");
  });

  test("usage after a continuation is the final model's; cost covers both", async () => {
    const h = harness(chainGraph([model("a", { priceOut: 10 }), model("b", { priceIn: 1, priceOut: 1 })]));
    h.upstream.script("a", [{ kind: "stream", steps: [{ role: "assistant" }, { text: "x".repeat(40) }, cut()] }]);
    h.upstream.script("b", [{ kind: "stream", steps: textSteps("done", usage(100, 5)) }]);
    const { outcome, events } = await h.stream({ stream_options: { include_usage: true } });
    const u = chunks(events).filter((c) => c.usage);
    expect(u).toHaveLength(1);
    expect(u[0]!.usage).toEqual(usage(100, 5));
    expect(u[0]!.model).toBe("b");
    expect(outcome.meta.usage).toEqual(usage(100, 5));
    const aCost = h.engine.state().counters.a!.costUsd;
    expect(aCost).toBeGreaterThan(0);
    expect(outcome.meta.costUsd).toBeCloseTo(aCost + 105 / 1e6, 12);
  });
});

describe("ending", () => {
  test("finish_reason without [DONE]: done after a short grace for usage", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [
      { kind: "stream", steps: [{ role: "assistant" }, { text: "ok" }, { finish: "stop" }, { hang: true }] },
    ]);
    const t0 = h.clock.now();
    const { outcome, events } = await h.stream();
    expect(events.at(-1)).toEqual({ type: "done" });
    expect(outcome.meta.endedAt! - t0).toBe(1_000);
    expect(outcome.meta.usage).toMatchObject({ completion_tokens: 1 });
    expect(h.upstream.calls[0]!.signal.aborted).toBe(true);
  });

  test("with n > 1 the stream is finished only when every choice has finished", async () => {
    const h = harness(chainGraph([model("a")]));
    const c = (index: number, delta: Record<string, unknown>, finish: string | null = null) => ({
      raw: { id: "x", created: 5, choices: [{ index, delta, finish_reason: finish }] },
    });
    h.upstream.script("a", [
      {
        kind: "stream",
        steps: [
          c(0, { role: "assistant", content: "A" }),
          c(1, { role: "assistant", content: "B" }),
          c(0, {}, "stop"),
          { wait: 1_500 },
          c(1, { content: "b" }),
          c(1, {}, "stop"),
        ],
      },
    ]);
    const { events } = await h.stream({ n: 2 });
    const second = chunks(events).flatMap((x) =>
      x.choices.filter((ch) => ch.index === 1).map((ch) => ch.delta.content ?? ""),
    );
    expect(second.join("")).toBe("Bb");
    expect(chunks(events).flatMap((x) => x.choices.filter((ch) => ch.delta.role).map((ch) => ch.index))).toEqual([
      0, 1,
    ]);
    expect(events.at(-1)).toEqual({ type: "done" });
  });

  test("finish plus usage without [DONE] finishes at once", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [{ kind: "stream", steps: [...textSteps("ok", usage(3, 1)), { hang: true }] }]);
    const t0 = h.clock.now();
    const { outcome, events } = await h.stream();
    expect(events.at(-1)).toEqual({ type: "done" });
    expect(outcome.meta.endedAt! - t0).toBe(0);
  });

  test("a client abort mid-stream aborts the upstream signal and stops iterating", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [
      {
        kind: "stream",
        steps: [
          { role: "assistant" },
          { text: "one" },
          { wait: 100 },
          { text: "two" },
          { wait: 100 },
          { text: "three" },
          { finish: "stop" },
        ],
      },
    ]);
    const client = new AbortController();
    const pending = h.engine.chat(h.request({ stream: true }, { signal: client.signal }));
    await h.clock.drain();
    const outcome = await pending;
    expect(outcome.kind).toBe("stream");
    if (outcome.kind !== "stream") return;
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of outcome.events) {
        if (e.type === "chunk" && e.chunk.choices[0]?.delta.content) seen.push(e.chunk.choices[0].delta.content);
        if (seen.length === 2) client.abort();
      }
    })();
    await h.clock.runUntilIdle();
    await reading;
    expect(seen).toEqual(["one", "two"]);
    expect(h.upstream.calls[0]!.signal.aborted).toBe(true);
    expect(outcome.meta.status).toBe(499);
    expect(h.clock.pending()).toBe(0);
  });

  test("a consumer that stops reading (return) releases the upstream", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [
      {
        kind: "stream",
        steps: [{ role: "assistant" }, { text: "one" }, { wait: 100 }, { text: "two" }, { finish: "stop" }],
      },
    ]);
    const pending = h.engine.chat(h.request({ stream: true }));
    await h.clock.drain();
    const outcome = await pending;
    if (outcome.kind !== "stream") throw new Error("expected a stream");
    for await (const e of outcome.events) if (e.type === "chunk" && e.chunk.choices[0]?.delta.content) break;
    expect(h.upstream.calls[0]!.signal.aborted).toBe(true);
    expect(h.done).toHaveLength(1);
  });

  test("a slow reader is not mistaken for an idle upstream", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "stream", steps: textSteps("one|two|three") }]);
    const pending = h.engine.chat(h.request({ stream: true }));
    await h.clock.drain();
    const outcome = await pending;
    if (outcome.kind !== "stream") throw new Error("expected a stream");
    const events: StreamEvent[] = [];
    for await (const e of outcome.events) {
      events.push(e);
      await h.clock.advance(10_000); // idle timeout is 2 s; the upstream is not the slow one
    }
    expect(textOf(events)).toBe("onetwothree");
    expect(events.at(-1)).toEqual({ type: "done" });
    expect(h.upstream.callsTo("b")).toHaveLength(0);
  });

  test("a client abort before the answer aborts the upstream and reports 499", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [{ kind: "completion", text: "late", wait: 3_000 }]);
    const client = new AbortController();
    const pending = h.engine.chat(h.request({}, { signal: client.signal }));
    await h.clock.advance(1_000);
    client.abort();
    await h.clock.runUntilIdle();
    const out = await pending;
    expect(out.kind === "error" && out.status).toBe(499);
    expect(h.upstream.calls[0]!.signal.aborted).toBe(true);
    expect(h.engine.state().breakers.a!.consecutiveFailures).toBe(0);
    expect(h.clock.pending()).toBe(0);
  });

  test("checkpoints track active streams and disappear when they end", async () => {
    const h = harness(chainGraph([model("a")]));
    h.upstream.script("a", [
      {
        kind: "stream",
        steps: [{ role: "assistant" }, { text: "abcd" }, { wait: 1_000 }, { text: "efgh" }, { finish: "stop" }],
      },
    ]);
    const pending = h.engine.chat(h.request({ stream: true }));
    await h.clock.drain();
    const outcome = await pending;
    if (outcome.kind !== "stream") throw new Error("expected a stream");
    const it = outcome.events[Symbol.asyncIterator]();
    await it.next(); // role
    await it.next(); // abcd
    expect(h.engine.checkpoints()).toEqual([
      expect.objectContaining({ id: "req-1", route: "r", model: "a", charsDelivered: 4, tokensReceived: 1 }),
    ]);
    const rest = (async () => {
      for (let r = await it.next(); !r.done; r = await it.next());
    })();
    await h.clock.runUntilIdle();
    await rest;
    expect(h.engine.checkpoints()).toEqual([]);
  });
});
