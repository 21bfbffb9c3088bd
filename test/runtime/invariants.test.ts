// Seeded chaos: many concurrent requests against upstreams that fail in every way we know, checking
// the promises the engine makes regardless of what happens: every request ends exactly once, within
// its total budget, streams end in exactly one terminal event, and no timer or probe slot leaks.
import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../src/runtime/api.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { UpstreamError } from "../../src/runtime/upstream.ts";
import { chainGraph, err, harness, model, settings, type Behaviour, type StreamStep } from "./fixtures.ts";

function chaos(rand: SeededRandom): Behaviour {
  const r = rand.next();
  const text = (n: number): StreamStep[] => Array.from({ length: n }, (_, i) => ({ text: `t${i} ` }));
  if (r < 0.1) return { kind: "fail", error: err("server", 503), wait: 50 };
  if (r < 0.15) return { kind: "fail", error: err("rate_limit", 429, 500) };
  if (r < 0.2) return { kind: "fail", error: err("connect") };
  if (r < 0.25) return { kind: "hang" };
  if (r < 0.3) return { kind: "fail", error: new UpstreamError("content_policy", "no", 400) };
  if (r < 0.4)
    return {
      kind: "stream",
      steps: [{ role: "assistant" }, ...text(3), { wait: 20 }, { fail: new UpstreamError("cut", "cut") }],
    };
  if (r < 0.5) return { kind: "stream", steps: [{ role: "assistant" }, ...text(2), { hang: true }] };
  if (r < 0.55)
    return { kind: "stream", steps: [{ role: "assistant" }, ...text(2), { finish: "stop" }, { hang: true }] };
  return {
    kind: "stream",
    steps: [
      { role: "assistant" },
      { wait: 30 },
      ...text(5),
      { finish: "stop" },
      { usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } },
    ],
  };
}

describe("invariants under chaos", () => {
  test("every request ends once, in budget, with one terminal event, and nothing leaks", async () => {
    const s = settings({
      timeout: { connectMs: 500, firstTokenMs: 1_000, idleMs: 400, totalMs: 5_000 },
      retry: { attempts: 2, maxPerRequest: 5, backoffBaseMs: 50, jitter: 0.5, retryAfterCapMs: 1_000 },
      breaker: { failures: 3, cooldownMs: 2_000, probes: 1, successes: 1, errorRate: 0.6, minRequests: 10 },
      failoverOnContentPolicy: true,
    });
    const g = chainGraph([model("a"), model("b", { caps: ["chat", "stream", "prefill"] }), model("c"), model("d")], s);
    const h = harness(g, { seed: 11 });
    const rand = new SeededRandom(99);
    for (const m of ["a", "b", "c", "d"]) h.upstream.script(m, () => chaos(rand));
    const N = 300;
    const results: Promise<{
      stream: boolean;
      events: StreamEvent[];
      status: number;
      started: number;
      ended: number | null;
    }>[] = [];
    for (let i = 0; i < N; i++) {
      const stream = i % 3 !== 0;
      const started = h.clock.now();
      results.push(
        h.engine.chat(h.request({ stream })).then(async (o) => {
          const events: StreamEvent[] = [];
          if (o.kind === "stream") for await (const e of o.events) events.push(e);
          return {
            stream: o.kind === "stream",
            events,
            status: o.kind === "error" ? o.status : 200,
            started,
            ended: o.meta.endedAt,
          };
        }),
      );
      if (i % 10 === 9) await h.clock.advance(100);
    }
    await h.clock.runUntilIdle();
    const outs = await Promise.all(results);

    expect(h.done).toHaveLength(N);
    expect(new Set(h.done.map((m) => m.id)).size).toBe(N);
    for (const o of outs) {
      expect(o.ended).not.toBeNull();
      expect(o.ended! - o.started).toBeLessThanOrEqual(5_000 + 1_000); // total, plus the usage grace after a finish
      if (o.stream) {
        const terminal = o.events.filter((e) => e.type !== "chunk");
        expect(terminal).toHaveLength(1);
        expect(o.events.at(-1)!.type).not.toBe("chunk");
      } else {
        expect([200, 400, 499, 502, 503, 504]).toContain(o.status);
      }
    }
    expect(outs.some((o) => o.stream && o.events.at(-1)!.type === "done")).toBe(true);
    expect(h.clock.pending()).toBe(0);
    expect(h.engine.checkpoints()).toEqual([]);
    for (const b of Object.values(h.engine.state().breakers)) expect(b.probesInFlight).toBe(0);
  });
});
