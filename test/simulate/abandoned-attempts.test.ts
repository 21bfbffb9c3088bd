// The simulator's clock lets an abandoned attempt's sleep linger until it comes due (lazyAbort):
// the engine must still time the attempt out on time and fail over as if the sleep had ended at
// the abort, for streams and plain completions alike.
import { describe, expect, test } from "bun:test";
import { runScenario } from "../../src/simulate/run.ts";
import { graphOf, scenario, TWO_MODELS } from "./helpers.ts";

describe("abandoned attempts on the simulator's clock", () => {
  test("a first token slower than the timeout fails over at exactly the timeout, then b answers on its own schedule", async () => {
    const graph = await graphOf(TWO_MODELS); // first_token 5s; b: ttft 200ms, 5ms a token
    const { rows } = await runScenario({
      graph,
      policyName: "two-models",
      scenario: scenario(`duration: 10s
seed: 3
traffic:
  - { route: chat, count: 20, arrival: constant, mix: { stream: 50% }, output_tokens: 10 }
models:
  a:
    faults: [{ at: 0s, fault: slow_first_token, delay: 20s }]
`),
    });
    expect(rows).toHaveLength(20);
    const streams = rows.filter((r) => r.stream);
    expect(streams.length).toBeGreaterThan(3);
    expect(streams.length).toBeLessThan(17);
    // a's breaker opens after three timeouts; until then requests try a first
    const triedA = rows.filter((r) => r.attempts === 2);
    expect(triedA.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      expect(r).toMatchObject({ ok: true, servedModel: "b" });
      // plain: timeout + 200 + 10 tokens × 5 ms; stream: the last of 10 tokens 9 × 5 ms after the first
      const waited = r.attempts === 2 ? 5000 : 0;
      expect(r.latencyMs).toBe(waited + (r.stream ? 245 : 250));
      if (r.stream) expect(r.ttftMs).toBe(waited + 200);
    }
  });
});
