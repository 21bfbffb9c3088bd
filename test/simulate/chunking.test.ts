// Stream chunk grouping in the simulator: fewer clock instants per stream without changing what
// the engine decides. First token, end of reply and break points keep their exact virtual times,
// so a run with grouped chunks matches a run with one token a chunk request for request.
import { describe, expect, test } from "bun:test";
import { createSimulatedAdapter } from "../../src/providers/simulated.ts";
import type { SimBehaviour } from "../../src/providers/sim-behaviour.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { Ports } from "../../src/runtime/ports.ts";
import type { ChatChunk, UpstreamCall } from "../../src/runtime/upstream.ts";
import { MAX_CHUNK_MS, streamChunkMs } from "../../src/simulate/chunking.ts";
import { runScenario } from "../../src/simulate/run.ts";
import { graphOf, scenario, TWO_MODELS } from "./helpers.ts";

function streamCall(
  graphProvider: UpstreamCall["provider"],
  model: UpstreamCall["model"],
  signal = new AbortController().signal,
): UpstreamCall {
  return {
    provider: graphProvider,
    model,
    body: { model: model.upstream, messages: [{ role: "user", content: "hello" }], stream: true },
    stream: true,
    apiKey: undefined,
    headers: {},
    signal,
  };
}

/** Reads a simulated stream to its end on a virtual clock: each chunk's text and arrival time. */
async function readStream(
  behaviour: SimBehaviour,
): Promise<{ chunks: { at: number; text: string; finish: string | null }[]; pendingAfter: number }> {
  const graph = await graphOf(TWO_MODELS);
  const clock = new ManualClock(0);
  const ports: Ports = {
    clock,
    random: { next: () => 0.5 },
    transport: { fetch: () => Promise.reject(new Error("no network")) },
    secrets: { get: () => undefined },
  };
  const adapter = createSimulatedAdapter(() => behaviour);
  const reply = await adapter.chat(streamCall(graph.providers[0]!, graph.models[0]!), ports);
  if (reply.kind !== "stream") throw new Error("expected a stream");
  const chunks: { at: number; text: string; finish: string | null }[] = [];
  for (;;) {
    const next = reply.chunks.next().then(
      (r) => r,
      (err: unknown) => ({ done: true as const, value: err }),
    );
    await clock.runUntilIdle();
    const r = (await Promise.race([next, Promise.resolve("stalled" as const)])) as
      | IteratorResult<ChatChunk>
      | "stalled";
    if (r === "stalled" || r.done) break;
    const c = r.value.choices[0];
    if (c) chunks.push({ at: clock.now(), text: c.delta.content ?? "", finish: c.finish_reason ?? null });
  }
  return { chunks, pendingAfter: clock.pending() };
}

describe("chunk spacing for a policy", () => {
  test("is MAX_CHUNK_MS under generous idle timeouts and a quarter of the smallest idle timeout otherwise", async () => {
    const graph = await graphOf(TWO_MODELS); // idle 2s everywhere
    expect(streamChunkMs(graph)).toBe(MAX_CHUNK_MS);
    const tight = structuredClone(graph);
    tight.routes[0]!.rules[0]!.settings.timeout.idleMs = 120;
    expect(streamChunkMs(tight)).toBe(30);
    tight.routes[0]!.rules[0]!.settings.timeout.idleMs = 2;
    expect(streamChunkMs(tight)).toBe(1);
  });
});

describe("grouped stream chunks", () => {
  const base = { ttftMs: 100, perTokenMs: 8, outputTokens: 32 };

  test("keep the text and the first and last token times, with a chunk at most every chunkMs", async () => {
    const perToken = await readStream(base);
    const grouped = await readStream({ ...base, chunkMs: 50 });
    expect(perToken.chunks).toHaveLength(32);
    expect(grouped.chunks.map((c) => c.text).join("")).toBe(perToken.chunks.map((c) => c.text).join(""));
    expect(grouped.chunks[0]).toEqual({ at: 100, text: "token1", finish: null });
    expect(grouped.chunks.at(-1)).toEqual({ ...perToken.chunks.at(-1)!, text: " token30 token31 token32" });
    expect(perToken.chunks.at(-1)).toMatchObject({ at: 100 + 31 * 8, finish: "stop" });
    // after the first token, 7 tokens (56 ms) a chunk: 31 tokens in 5 chunks, the last one short
    expect(grouped.chunks.map((c) => c.at)).toEqual([100, 156, 212, 268, 324, 348]);
    for (let i = 2; i < grouped.chunks.length; i++)
      expect(grouped.chunks[i]!.at - grouped.chunks[i - 1]!.at).toBeLessThanOrEqual(56);
  });

  test("end exactly at a cut: the token before the break arrives when it would one at a time", async () => {
    const cut = await readStream({ ...base, chunkMs: 50, fault: { kind: "cut_after", tokens: 10 } });
    const cutPerToken = await readStream({ ...base, fault: { kind: "cut_after", tokens: 10 } });
    expect(cut.chunks.map((c) => c.text).join("")).toBe(
      Array.from({ length: 10 }, (_, i) => `token${i + 1}`).join(" "),
    );
    expect(cut.chunks.length).toBeLessThan(cutPerToken.chunks.length);
    expect(cut.chunks.at(-1)!.at).toBe(cutPerToken.chunks.at(-1)!.at);
    expect(cut.chunks.at(-1)!.at).toBe(100 + 9 * 8);
  });

  test("a stall starts right after its last token, and nothing is left on the clock", async () => {
    const stall = await readStream({ ...base, chunkMs: 50, fault: { kind: "stall_after", tokens: 12 } });
    expect(stall.chunks.at(-1)!.at).toBe(100 + 11 * 8);
    expect(
      stall.chunks
        .map((c) => c.text)
        .join("")
        .split(" "),
    ).toHaveLength(12);
    expect(stall.pendingAfter).toBe(0);
  });
});

describe("a run with grouped chunks", () => {
  const BREAKS = scenario(`duration: 30s
seed: 9
traffic:
  - { route: chat, rate: 8/s, mix: { stream: 70% }, output_tokens: { min: 10, max: 80 } }
models:
  a:
    ttft: { median: 150ms, p95: 600ms }
    per_token: 9ms
    faults:
      - { at: 5s, for: 10s, fault: stall_after, tokens: 15, share: 30% }
      - { at: 12s, for: 10s, fault: cut_after, tokens: 25, share: 30% }
  b:
    ttft: 200ms
    per_token: 3ms
`);

  test("matches one token a chunk request for request: status, model, attempts, latency and TTFT", async () => {
    const graph = await graphOf(TWO_MODELS);
    const grouped = await runScenario({ graph, scenario: BREAKS, policyName: "two-models", trails: true });
    const perToken = await runScenario({ graph, scenario: BREAKS, policyName: "two-models", trails: true, chunkMs: 1 });
    expect(grouped.rows.length).toBeGreaterThan(150);
    expect(grouped.rows.filter((r) => r.continuations > 0).length).toBeGreaterThan(5); // stalls and cuts were continued
    expect(grouped.rows).toEqual(perToken.rows);
  });
});
