// The per-model tokens/s EWMA (shown by `state show`) measures generation speed after the first
// token, so only a streamed reply can feed it: a whole reply arrives at once.
import { describe, expect, test } from "bun:test";
import { chainGraph, harness, model, usage } from "./fixtures.ts";

/** A harness whose clock creeps forward a little on every read, as a real clock does between two reads. */
function creepingHarness() {
  const h = harness(chainGraph([model("a")]));
  const read = h.clock.now.bind(h.clock);
  let creep = 0;
  h.clock.now = () => read() + (creep += 0.002);
  return h;
}

describe("tokens/s", () => {
  test("a streamed reply at 8 ms/token reads as about 125 tokens/s", async () => {
    const h = creepingHarness();
    const steps = [{ wait: 150 }, { role: "assistant" }, { text: "x" }];
    for (let i = 1; i < 60; i++) steps.push({ wait: 8 }, { text: "x" });
    h.upstream.script("a", [{ kind: "stream", steps: [...steps, { finish: "stop" }, { usage: usage(10, 60) }] }]);
    await h.stream();
    const rate = h.engine.state().windows.a!.tokensPerSecEwma!;
    expect(rate).toBeGreaterThan(120);
    expect(rate).toBeLessThan(130);
  });

  test("a non-streamed reply does not count: its first token and its last arrive together", async () => {
    const h = creepingHarness();
    h.upstream.script("a", [{ kind: "completion", text: "hello", usage: usage(10, 60), wait: 630 }]);
    await h.chat();
    const w = h.engine.state().windows.a!;
    expect(w.latencyEwmaMs).toBeGreaterThan(600);
    expect(w.tokensPerSecEwma).toBeNull(); // was ~10^7: 60 tokens over the microseconds after the body arrived
  });
});
