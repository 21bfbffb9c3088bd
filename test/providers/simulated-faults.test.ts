// The simulated provider's wire-level faults that a plain status cannot express: a Retry-After sent
// as an HTTP-date, an in-band error event after content, a missing terminator, a finish followed by
// a dropped connection, and a deliberate `length` stop. Each must look to the engine exactly as the
// real adapters make it look (same parser, same classifier).
import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { Ports } from "../../src/runtime/ports.ts";
import type { ChatChunk, UpstreamReply } from "../../src/runtime/upstream.ts";
import { createSimulatedAdapter } from "../../src/providers/simulated.ts";
import type { SimBehaviour, SimFault } from "../../src/providers/sim-behaviour.ts";
import { call, contentOf, rejection } from "./helpers.ts";

function setup(fault: SimFault, now = 0) {
  const behaviour: SimBehaviour = { ttftMs: 0, perTokenMs: 0, outputTokens: 6, fault };
  const ports: Ports = {
    clock: new ManualClock(now),
    random: { next: () => 0.5 },
    transport: { fetch: () => Promise.reject(new Error("no network in simulation")) },
    secrets: { get: () => undefined },
  };
  return { ports, adapter: createSimulatedAdapter(() => behaviour) };
}

const body = { model: "sim-1", messages: [{ role: "user", content: "hello" }] };

function chunksOf(reply: UpstreamReply) {
  if (reply.kind !== "stream") throw new Error("expected a stream");
  return reply.chunks;
}

/** Reads a stream to its end or first error: the chunks before it and the error (or null). */
async function drain(fault: SimFault): Promise<{ chunks: ChatChunk[]; error: unknown }> {
  const { ports, adapter } = setup(fault);
  const it = chunksOf(await adapter.chat(call({ body, stream: true }), ports));
  const chunks: ChatChunk[] = [];
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) chunks.push(r.value);
    return { chunks, error: null };
  } catch (error) {
    return { chunks, error };
  }
}

const finishes = (chunks: ChatChunk[]) => chunks.flatMap((c) => c.choices.map((x) => x.finish_reason ?? null));

describe("simulated adapter: wire-level faults", () => {
  test("Retry-After as an HTTP-date is read back through the real parser, to whole seconds", async () => {
    // 2.5 s from 10.3 s is 12.8 s, which an HTTP-date writes as 12 s: the wait is 1.7 s
    const { ports, adapter } = setup({ kind: "status", status: 429, retryAfterMs: 2500, retryAfterDate: true }, 10_300);
    expect(await rejection(adapter.chat(call({ body }), ports))).toMatchObject({
      cls: "rate_limit",
      status: 429,
      retryAfterMs: 1700,
    });
  });

  test("an in-band error event after content is classified like a real stream's", async () => {
    const { chunks, error } = await drain({ kind: "error_event", tokens: 2 });
    expect(contentOf(chunks)).toBe("token1 token2");
    expect(error).toMatchObject({ cls: "server", code: "server_error", status: null });
    const { ports, adapter } = setup({ kind: "error_event", tokens: 2 });
    expect(await rejection(adapter.chat(call({ body }), ports))).toMatchObject({ cls: "server" });
  });

  test("no terminator: every token, no finish_reason, a clean end", async () => {
    const { chunks, error } = await drain({ kind: "no_terminator" });
    expect(error).toBeNull();
    expect(contentOf(chunks)).toBe("token1 token2 token3 token4 token5 token6");
    expect(finishes(chunks).every((f) => f === null)).toBe(true);
  });

  test("cut after finish: the finish_reason arrives, then the connection drops", async () => {
    const { chunks, error } = await drain({ kind: "cut_after_finish" });
    expect(finishes(chunks).at(-1)).toBe("stop");
    expect(error).toMatchObject({ cls: "cut" });
  });

  test("a length stop ends early with finish_reason `length`, streamed or not", async () => {
    const { chunks, error } = await drain({ kind: "length_stop", tokens: 3 });
    expect(error).toBeNull();
    expect([contentOf(chunks), finishes(chunks).at(-1)]).toEqual(["token1 token2 token3", "length"]);
    const { ports, adapter } = setup({ kind: "length_stop", tokens: 3 });
    const reply = await adapter.chat(call({ body }), ports);
    if (reply.kind !== "completion") throw new Error("expected a completion");
    expect(reply.body.choices[0]!.finish_reason).toBe("length");
  });
});
