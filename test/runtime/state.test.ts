// RuntimeState carry-over between engines (hot reload, snapshots).
import { describe, expect, test } from "bun:test";
import { StickyMap } from "../../src/runtime/state/sticky-map.ts";
import { chainGraph, err, harness, model, settings } from "./fixtures.ts";

describe("state carry-over", () => {
  test("a new engine continues from a previous engine's breakers, quotas, counters and cursors", async () => {
    const s = settings({ breaker: { failures: 1, cooldownMs: 10_000 } });
    const free = model("a", { limits: [{ metric: "requests", amount: 1, window: "hour" }] });
    const first = harness(chainGraph([free, model("b"), model("c")], s), { start: 3_600_000 * 5 });
    first.upstream.script("b", [{ kind: "fail", error: err("server", 500) }]);
    await first.chat(); // a serves and spends its quota
    await first.chat(); // a skipped (quota), b fails and opens, c serves
    const snapshot = structuredClone(first.engine.state());
    expect(snapshot.breakers.b!.phase).toBe("open");

    // the new policy drops model c and adds d; state for unknown models is ignored
    const second = harness(chainGraph([free, model("b"), model("d")], s), {
      start: first.clock.now(),
      state: {
        ...snapshot,
        counters: {
          ...snapshot.counters,
          ghost: { requests: 9, successes: 0, failures: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 },
        },
      },
    });
    const out = await second.chat();
    expect(out.meta.skipped).toEqual([
      { model: "a", reason: "quota" },
      { model: "b", reason: "breaker_open" },
    ]);
    expect(out.meta.servedModel).toBe("d");
    const st = second.engine.state();
    expect(st.counters.a!.requests).toBe(1);
    expect(st.counters.ghost).toBeUndefined();
    expect(st.counters.c).toBeUndefined();
  });

  test("probes in flight are not carried over, so a half-open breaker is not stuck", async () => {
    const s = settings({ breaker: { failures: 1, cooldownMs: 1_000, probes: 1 } });
    const g = chainGraph([model("a"), model("b")], s);
    const h = harness(g, {
      state: {
        breakers: {
          a: { phase: "half_open", consecutiveFailures: 1, openedAt: 0, probesInFlight: 1, probeSuccesses: 0 },
        },
        windows: {},
        quotas: {},
        cursors: {},
        sticky: {},
        counters: {},
      },
    });
    expect((await h.chat()).meta.servedModel).toBe("a");
    expect(h.engine.state().breakers.a!.phase).toBe("closed");
  });

  test("the sticky map is a bounded LRU", () => {
    const m = new StickyMap(2);
    m.set("x", "a");
    m.set("y", "b");
    m.get("x");
    m.set("z", "c");
    expect(m.toRecord()).toEqual({ x: "a", z: "c" });
  });
});

describe("observer", () => {
  test("a throwing observer does not break requests", async () => {
    const { createEngine } = await import("../../src/runtime/engine.ts");
    const base = harness(chainGraph([model("a")]));
    const engine = createEngine({
      graph: base.engine.graph,
      ports: base.ports,
      adapters: { openai: base.upstream },
      observer: {
        attempt: () => {
          throw new Error("metrics bug");
        },
        requestDone: () => {
          throw new Error("log bug");
        },
      },
    });
    const out = await engine.chat(base.request({}));
    expect(out.kind).toBe("completion");
  });
});
