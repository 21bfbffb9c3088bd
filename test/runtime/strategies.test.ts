// Each selection strategy's ordering, observed through which model serves.
import { describe, expect, test } from "bun:test";
import type { TargetNode } from "../../src/compile/graph.ts";
import { candidates, err, graph, harness, model, rule } from "./fixtures.ts";

const models = [
  model("a", { priceIn: 5, priceOut: 5 }),
  model("b", { priceIn: 1, priceOut: 1 }),
  model("c", { priceIn: 3, priceOut: 3 }),
];

function selectGraph(
  strategy: Extract<TargetNode, { kind: "select" }>["strategy"],
  names: (string | [string, number])[],
  stickyKey: Extract<TargetNode, { kind: "select" }>["stickyKey"] = null,
) {
  return graph({
    models,
    routes: [
      {
        name: "r",
        rules: [rule({ target: { kind: "select", strategy, candidates: candidates({ models }, names), stickyKey } })],
      },
    ],
  });
}

describe("strategies", () => {
  test("priority tries candidates in the listed order", async () => {
    const h = harness(selectGraph("priority", ["c", "a", "b"]));
    h.upstream.script("c", [{ kind: "fail", error: err("server", 500) }]);
    const out = await h.chat();
    expect(out.meta.attempts.map((a) => a.model)).toEqual(["c", "a"]);
  });

  test("round_robin rotates the starting candidate per request and keeps the rest as fallbacks", async () => {
    const h = harness(selectGraph("round_robin", ["a", "b", "c"]));
    const served: string[] = [];
    for (let i = 0; i < 6; i++) served.push((await h.chat()).meta.servedModel!);
    expect(served).toEqual(["a", "b", "c", "a", "b", "c"]);
    h.upstream.script("a", [{ kind: "fail", error: err("server", 500) }]);
    expect((await h.chat()).meta.attempts.map((a) => a.model)).toEqual(["a", "b"]);
    expect(h.engine.state().cursors["r#0"]).toBe(7);
  });

  test("weighted picks the first candidate in proportion to weight", async () => {
    const h = harness(
      selectGraph("weighted", [
        ["a", 1],
        ["b", 3],
      ]),
    );
    const tally: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 400; i++) tally[(await h.chat()).meta.servedModel!]!++;
    expect(tally.b! / 400).toBeGreaterThan(0.65);
    expect(tally.b! / 400).toBeLessThan(0.85);
  });

  test("lowest_latency prefers the model with the lowest latency EWMA (unmeasured first)", async () => {
    const h = harness(selectGraph("lowest_latency", ["a", "b", "c"]));
    h.upstream.script("a", [{ kind: "completion", text: "slow", wait: 900 }]);
    h.upstream.script("b", [{ kind: "completion", text: "fast", wait: 100 }]);
    h.upstream.script("c", [{ kind: "completion", text: "mid", wait: 400 }]);
    const first = [];
    for (let i = 0; i < 3; i++) first.push((await h.chat()).meta.servedModel);
    expect(first).toEqual(["a", "b", "c"]); // each measured once, in order
    expect((await h.chat()).meta.servedModel).toBe("b");
    expect(h.engine.state().windows.b!.latencyEwmaMs).toBe(100);
  });

  test("lowest_cost orders by estimated price", async () => {
    const h = harness(selectGraph("lowest_cost", ["a", "b", "c"]));
    h.upstream.script("b", [{ kind: "fail", error: err("server", 500) }]);
    expect((await h.chat()).meta.attempts.map((a) => a.model)).toEqual(["b", "c"]);
  });

  test("sticky keeps a session on the model that served it, even after the order would change", async () => {
    const h = harness(selectGraph("sticky", ["a", "b", "c"], { source: "header", name: "x-session" }));
    const withSession = (s: string) => ({ headers: new Headers({ "x-session": s }) });
    h.upstream.script("a", [{ kind: "fail", error: err("server", 500) }]);
    expect((await h.chat({}, withSession("s1"))).meta.servedModel).toBe("b");
    h.upstream.script("a", [{ kind: "completion", text: "a is back" }]);
    expect((await h.chat({}, withSession("s1"))).meta.servedModel).toBe("b");
    expect((await h.chat({}, withSession("s2"))).meta.servedModel).toBe("a");
    expect((await h.chat()).meta.servedModel).toBe("a");
    expect(h.engine.state().sticky).toEqual({ "r#0:s1": "b", "r#0:s2": "a" });
  });

  test("sticky by metadata key", async () => {
    const h = harness(selectGraph("sticky", ["a", "b"], { source: "metadata", name: "user" }));
    h.upstream.script("a", (n) =>
      n === 0 ? { kind: "fail", error: err("server", 500) } : { kind: "completion", text: "ok" },
    );
    expect((await h.chat({ metadata: { user: "u1" } })).meta.servedModel).toBe("b");
    expect((await h.chat({ metadata: { user: "u1" } })).meta.servedModel).toBe("b");
    expect((await h.chat({ metadata: { user: "u2" } })).meta.servedModel).toBe("a");
  });
});
