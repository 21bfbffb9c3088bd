// Engine.explain runs the engine's own decision code: for 1,000 generated requests (seeded) on a
// policy with conditions, splits, every strategy, quotas and failing upstreams that open breakers,
// the model explain names is the model the live engine attempts first. Explaining leaves the live
// state alone (cursors, sticky entries), so it can run before each request.
import { describe, expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import type { Random } from "../../src/runtime/ports.ts";
import { err, harness } from "./fixtures.ts";

const POLICY = `
defaults {
  retry { attempts 2  backoff { base 100ms  max 1s }  retry_after_cap 0s }
  breaker { failures 2  cooldown 5s }
}
provider p1 {
  kind simulated
  quota { requests 40/minute }
}
provider p2 { kind simulated }
model a { provider p1  can [chat, stream, tools]  context 8k  price { input $1  output $2 } }
model b {
  provider p2
  can [chat, stream, vision]
  context 128k
  price { input $3  output $1 }
  quota { requests 30/minute }
}
model c { provider p2  can [chat, stream, tools, vision, json]  context 32k  price { input $0.5  output $4 } }
route r {
  when vision -> weighted [b 3, c 1]
  when header "x-tier" == "free" -> round_robin [a, b, c]
  when tokens > 1k -> lowest_cost [a, c, b]
  when tools -> split [ [a, c] 60%, route inner 40% ]
  otherwise -> sticky(header "x-session") [a, b, c]
}
route inner {
  otherwise -> lowest_latency [c, a]
}
`;

/** A small generator whose state can be copied, so explain can draw exactly what chat will draw next. */
class ForkableRandom implements Random {
  constructor(private state: number) {}
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  fork(): ForkableRandom {
    return new ForkableRandom(this.state);
  }
}

describe("explain and the live engine", () => {
  test("choose the same first model for 1,000 generated requests", async () => {
    const compiled = compilePolicySource(POLICY, "eq.route");
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const random = new ForkableRandom(42);
    const h = harness(compiled.graph!, { random });
    // upstreams that fail in patterns, so breakers open and close along the way
    h.upstream.script("a", (n) =>
      n % 7 < 2 ? { kind: "fail", error: err("server", 503) } : { kind: "completion", text: "a", wait: 30 },
    );
    h.upstream.script("b", (n) =>
      n % 11 < 3 ? { kind: "fail", error: err("server", 500) } : { kind: "completion", text: "b", wait: 80 },
    );
    h.upstream.script("c", (n) =>
      n % 5 === 0 ? { kind: "fail", error: err("timeout") } : { kind: "completion", text: "c", wait: 10 },
    );
    const gen = new SeededRandom(2026);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(gen.next() * list.length)]!;
    const served = new Set<string>();
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      const body: Record<string, unknown> = {
        messages: [{ role: "user", content: "x".repeat(pick([10, 200, 6000, 40_000])) }],
      };
      if (gen.next() < 0.25) body.tools = [{ type: "function", function: { name: "f" } }];
      if (gen.next() < 0.2)
        body.messages = [{ role: "user", content: [{ type: "image_url", image_url: { url: "u" } }] }];
      if (gen.next() < 0.1) body.response_format = { type: "json_object" };
      if (gen.next() < 0.3) body.stream = true;
      const headers = new Headers();
      if (gen.next() < 0.2) headers.set("x-tier", "free");
      if (gen.next() < 0.5) headers.set("x-session", pick(["s1", "s2", "s3"]));
      const req = h.request(body, { headers });
      const trace = h.engine.explain(req, { random: random.fork() });
      const p = h.engine.chat(req);
      await h.clock.runUntilIdle();
      const outcome = await p;
      if (outcome.kind === "stream") for await (const _ of outcome.events); // let the stream finish and settle its books
      const first = outcome.meta.attempts[0]?.model ?? null;
      expect({ i, model: trace.chosen }).toEqual({ i, model: first });
      if (first === null) refused++;
      else served.add(first);
      await h.clock.advance(Math.floor(gen.next() * 400));
    }
    // the run exercised every model and some refusals (open breakers, spent quotas, too large prompts)
    expect([...served].sort()).toEqual(["a", "b", "c"]);
    expect(refused).toBeGreaterThan(0);
  });

  test("explaining moves no round-robin cursor and records no skip", async () => {
    const compiled = compilePolicySource(POLICY, "eq.route");
    const h = harness(compiled.graph!);
    const before = structuredClone(h.engine.state());
    const req = h.request({}, { headers: new Headers({ "x-tier": "free" }) });
    for (let i = 0; i < 3; i++) expect(h.engine.explain(req).chosen).toBe("a");
    expect(h.engine.state()).toEqual(before);
    expect(h.done).toEqual([]);
  });
});
