// The simulated provider on a virtual clock: timing, deterministic text, prefill continuation,
// every fault kind, and the default behaviour read from a provider's sim profile.
import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { Ports } from "../../src/runtime/ports.ts";
import type { ChatChunk, UpstreamReply } from "../../src/runtime/upstream.ts";
import { createSimulatedAdapter, simulatedAdapter } from "../../src/providers/simulated.ts";
import type { SimBehaviour, SimFault } from "../../src/providers/sim-behaviour.ts";
import { call, contentOf, provider, rejection } from "./helpers.ts";

function setup(behaviour: SimBehaviour, randomValue = 0.5) {
  const clock = new ManualClock(0);
  const ports: Ports = {
    clock,
    random: { next: () => randomValue },
    transport: { fetch: () => Promise.reject(new Error("no network in simulation")) },
    secrets: { get: () => undefined },
  };
  return { clock, ports, adapter: createSimulatedAdapter(() => behaviour) };
}

/** Tracks a promise so a test can tell whether it settled by a given virtual instant. */
function track<T>(p: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  p.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

const asStream = (reply: UpstreamReply) => {
  if (reply.kind !== "stream") throw new Error("expected a stream");
  return reply.chunks;
};

const streamBody = {
  model: "sim-1",
  messages: [{ role: "user", content: "0123456789abcdef" }],
  stream_options: { include_usage: true },
};

describe("simulated adapter: healthy replies", () => {
  test("stream: first token after ttft, then one token per perTokenMs, finish and usage", async () => {
    const { clock, ports, adapter } = setup({ ttftMs: 100, perTokenMs: 10, outputTokens: 3 });
    const chunks = asStream(await adapter.chat(call({ body: streamBody, stream: true }), ports));
    const first = track(chunks.next());
    await clock.advance(99);
    expect(first.settled).toBe(false);
    await clock.advance(1);
    expect(first.value).toEqual({
      done: false,
      value: expect.objectContaining({
        choices: [{ index: 0, delta: { role: "assistant", content: "token1" }, finish_reason: null }],
      }),
    });
    const times: number[] = [];
    const rest: ChatChunk[] = [];
    for (;;) {
      const next = track(chunks.next());
      await clock.runUntilIdle();
      const r = next.value as IteratorResult<ChatChunk>;
      if (r.done) break;
      rest.push(r.value);
      times.push(clock.now());
    }
    expect(contentOf(rest)).toBe(" token2 token3");
    expect(times).toEqual([110, 120, 120]);
    expect(rest[1].choices[0].finish_reason).toBe("stop");
    expect(rest[2]).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 } });
  });

  test("tokens due at the same time share one chunk and no timer", async () => {
    const { clock, ports, adapter } = setup({ ttftMs: 0, perTokenMs: 0, outputTokens: 50 });
    const chunks = asStream(
      await adapter.chat(call({ body: { ...streamBody, stream_options: undefined }, stream: true }), ports),
    );
    const first = await chunks.next();
    expect(clock.pending()).toBe(0);
    expect(first.value.choices[0].delta.content.split(" ")).toHaveLength(50);
    expect(first.value.choices[0].finish_reason).toBe("stop");
    expect((await chunks.next()).done).toBe(true);
  });

  test("sub-millisecond tokens are batched about a millisecond at a time", async () => {
    const { clock, ports, adapter } = setup({ ttftMs: 5, perTokenMs: 0.25, outputTokens: 9 });
    const chunks = asStream(
      await adapter.chat(call({ body: { ...streamBody, stream_options: undefined }, stream: true }), ports),
    );
    const sizes: number[] = [];
    for (;;) {
      const next = track(chunks.next());
      await clock.runUntilIdle();
      const r = next.value as IteratorResult<ChatChunk>;
      if (r.done) break;
      sizes.push(r.value.choices[0].delta.content!.trim().split(" ").length);
    }
    expect(sizes).toEqual([1, 4, 4]);
    expect(clock.now()).toBe(7);
  });

  test("non-stream: one wait for the whole reply, deterministic text and usage", async () => {
    const { clock, ports, adapter } = setup({ ttftMs: 50, perTokenMs: 5, outputTokens: 4 });
    const reply = track(adapter.chat(call({ body: streamBody }), ports));
    await clock.advance(69);
    expect(reply.settled).toBe(false);
    await clock.advance(1);
    const r = reply.value as UpstreamReply;
    if (r.kind !== "completion") throw new Error("expected a completion");
    expect(r.body.choices[0]).toEqual({
      index: 0,
      message: { role: "assistant", content: "token1 token2 token3 token4" },
      finish_reason: "stop",
    });
    expect(r.body.usage).toEqual({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
    expect(r.body.model).toBe("sim-1");
  });

  test("a trailing assistant message is continued, not restarted", async () => {
    const { clock, ports, adapter } = setup({ ttftMs: 0, perTokenMs: 0, outputTokens: 5 });
    const body = {
      model: "s",
      messages: [
        { role: "user", content: "count" },
        { role: "assistant", content: "token1 token2" },
      ],
    };
    const reply = track(adapter.chat(call({ body }), ports));
    await clock.drain();
    const r = reply.value as UpstreamReply;
    if (r.kind !== "completion") throw new Error("expected a completion");
    expect(r.body.choices[0].message.content).toBe(" token3 token4 token5");
    const spaced = await adapter.chat(
      call({ body: { ...body, messages: [body.messages[0], { role: "assistant", content: "token1 " }] } }),
      ports,
    );
    if (spaced.kind !== "completion") throw new Error("expected a completion");
    expect(spaced.body.choices[0].message.content).toBe("token2 token3 token4 token5");
  });

  test("max_tokens below the simulated length stops with `length`", async () => {
    const { ports, adapter } = setup({ ttftMs: 0, perTokenMs: 0, outputTokens: 10 });
    const r = await adapter.chat(call({ body: { ...streamBody, max_tokens: 2 } }), ports);
    if (r.kind !== "completion") throw new Error("expected a completion");
    expect([r.body.choices[0].message.content, r.body.choices[0].finish_reason]).toEqual(["token1 token2", "length"]);
  });
});

describe("simulated adapter: faults", () => {
  const failWith = async (fault: SimFault) => {
    const { ports, adapter } = setup({ ttftMs: 10, perTokenMs: 1, outputTokens: 5, fault });
    return rejection(adapter.chat(call({ body: streamBody, stream: true }), ports));
  };

  test("errors before any reply carry class, status, code and Retry-After", async () => {
    expect(await failWith({ kind: "status", status: 429, retryAfterMs: 1500 })).toMatchObject({
      cls: "rate_limit",
      status: 429,
      retryAfterMs: 1500,
    });
    expect(await failWith({ kind: "status", status: 503 })).toMatchObject({ cls: "server", status: 503 });
    expect(await failWith({ kind: "status", status: 401 })).toMatchObject({ cls: "auth" });
    expect(await failWith({ kind: "reset" })).toMatchObject({ cls: "reset", status: null });
    expect(await failWith({ kind: "context_length" })).toMatchObject({
      cls: "context_length",
      status: 400,
      code: "context_length_exceeded",
    });
    expect(await failWith({ kind: "content_policy" })).toMatchObject({
      cls: "content_policy",
      status: 400,
      code: "content_policy_violation",
    });
    expect(await failWith({ kind: "quota" })).toMatchObject({ cls: "quota", status: 429, code: "insufficient_quota" });
  });

  test("no_response never answers until aborted", async () => {
    const { clock, ports, adapter } = setup({
      ttftMs: 0,
      perTokenMs: 0,
      outputTokens: 1,
      fault: { kind: "no_response" },
    });
    const controller = new AbortController();
    const reply = track(adapter.chat(call({ signal: controller.signal }), ports));
    await clock.advance(3_600_000);
    expect(reply.settled).toBe(false);
    const reason = new Error("connect timeout");
    controller.abort(reason);
    await clock.drain();
    expect(reply.error).toBe(reason);
  });

  test("stall_after emits N tokens then waits until aborted", async () => {
    const { clock, ports, adapter } = setup({
      ttftMs: 0,
      perTokenMs: 0,
      outputTokens: 10,
      fault: { kind: "stall_after", tokens: 3 },
    });
    const controller = new AbortController();
    const chunks = asStream(
      await adapter.chat(call({ body: streamBody, stream: true, signal: controller.signal }), ports),
    );
    expect(contentOf([(await chunks.next()).value])).toBe("token1 token2 token3");
    const stalled = track(chunks.next());
    await clock.advance(60_000);
    expect(stalled.settled).toBe(false);
    const reason = new Error("idle timeout");
    controller.abort(reason);
    await clock.drain();
    expect(stalled.error).toBe(reason);
  });

  test("cut_after emits N tokens then fails as a cut; slow_first_token delays only the first", async () => {
    const { ports, adapter } = setup({
      ttftMs: 0,
      perTokenMs: 0,
      outputTokens: 10,
      fault: { kind: "cut_after", tokens: 2 },
    });
    const chunks = asStream(await adapter.chat(call({ body: streamBody, stream: true }), ports));
    expect(contentOf([(await chunks.next()).value])).toBe("token1 token2");
    expect((await rejection(chunks.next())).cls).toBe("cut");

    const slow = setup({ ttftMs: 10, perTokenMs: 1, outputTokens: 2, fault: { kind: "slow_first_token", ms: 5000 } });
    const s = asStream(await slow.adapter.chat(call({ body: streamBody, stream: true }), slow.ports));
    const first = track(s.next());
    await slow.clock.advance(4999);
    expect(first.settled).toBe(false);
    await slow.clock.advance(1);
    expect(first.settled).toBe(true);
  });

  test("malformed fails the first read as malformed", async () => {
    const { ports, adapter } = setup({ ttftMs: 0, perTokenMs: 0, outputTokens: 3, fault: { kind: "malformed" } });
    const chunks = asStream(await adapter.chat(call({ body: streamBody, stream: true }), ports));
    expect((await rejection(chunks.next())).cls).toBe("malformed");
    expect((await rejection(adapter.chat(call({ body: streamBody }), ports))).cls).toBe("malformed");
  });

  test("an abort during the wait rejects with the abort reason and clears the timer", async () => {
    const { clock, ports, adapter } = setup({ ttftMs: 1000, perTokenMs: 0, outputTokens: 3 });
    const controller = new AbortController();
    const reply = track(adapter.chat(call({ body: streamBody, signal: controller.signal }), ports));
    await clock.advance(10);
    controller.abort(new Error("client left"));
    await clock.drain();
    expect((reply.error as Error).message).toBe("client left");
    expect(clock.pending()).toBe(0);
  });
});

describe("default behaviour from the provider's sim profile", () => {
  const sim = (over: object) =>
    provider({
      kind: "simulated",
      baseUrl: null,
      sim: { ttftMs: 0, perTokenMs: 0, outputTokens: 2, errorRate: 0, errorStatus: 503, outage: null, ...over },
    });
  const portsAt = (now: number, random = 0.5): Ports => {
    const clock = new ManualClock(now);
    return {
      clock,
      random: { next: () => random },
      transport: { fetch: () => Promise.reject(new Error("none")) },
      secrets: { get: () => undefined },
    };
  };

  test("a periodic outage covers the last downMs of each period", async () => {
    const p = sim({ outage: { periodMs: 60_000, downMs: 10_000, status: 502 } });
    expect((await simulatedAdapter.chat(call({ provider: p }), portsAt(49_999))).kind).toBe("completion");
    expect(await rejection(simulatedAdapter.chat(call({ provider: p }), portsAt(50_000)))).toMatchObject({
      cls: "server",
      status: 502,
    });
    expect((await simulatedAdapter.chat(call({ provider: p }), portsAt(60_000))).kind).toBe("completion");
  });

  test("errorRate draws from the injected Random", async () => {
    const p = sim({ errorRate: 0.3, errorStatus: 429 });
    expect(await rejection(simulatedAdapter.chat(call({ provider: p }), portsAt(0, 0.29)))).toMatchObject({
      cls: "rate_limit",
      status: 429,
    });
    expect((await simulatedAdapter.chat(call({ provider: p }), portsAt(0, 0.3))).kind).toBe("completion");
  });

  test("embeddings: one deterministic unit vector per input", async () => {
    const reply = await simulatedAdapter.embeddings(
      call({ provider: sim({}), body: { model: "e", input: ["abc", "abc", "xyz"] } }),
      portsAt(0),
    );
    const data = reply.body.data as { embedding: number[] }[];
    expect(data).toHaveLength(3);
    expect(data[0].embedding).toEqual(data[1].embedding);
    expect(data[0].embedding).not.toEqual(data[2].embedding);
    expect(Math.hypot(...data[0].embedding)).toBeCloseTo(1, 9);
  });
});
