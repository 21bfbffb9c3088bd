// Fixed quota windows (epoch multiples; UTC days and calendar months) and provider-wide limits.
import { describe, expect, test } from "bun:test";
import { windowBounds } from "../../src/syntax/vocabulary.ts";
import { chainGraph, harness, model, provider } from "./fixtures.ts";

describe("quota windows", () => {
  test("minute and hour windows are multiples of their length; day and month follow UTC", () => {
    const t = Date.UTC(2026, 1, 14, 13, 45, 30, 500); // 2026-02-14T13:45:30.500Z
    expect(windowBounds("minute", t)).toEqual([Date.UTC(2026, 1, 14, 13, 45), Date.UTC(2026, 1, 14, 13, 46)]);
    expect(windowBounds("hour", t)).toEqual([Date.UTC(2026, 1, 14, 13), Date.UTC(2026, 1, 14, 14)]);
    expect(windowBounds("day", t)).toEqual([Date.UTC(2026, 1, 14), Date.UTC(2026, 1, 15)]);
    expect(windowBounds("month", t)).toEqual([Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1)]);
    expect(windowBounds("month", Date.UTC(2026, 11, 31, 23))).toEqual([Date.UTC(2026, 11, 1), Date.UTC(2027, 0, 1)]);
  });

  test("a provider-wide limit is shared by all of the provider's models", async () => {
    const g = chainGraph([model("a", { provider: "free" }), model("b", { provider: "free" }), model("c")], undefined, [
      provider("free", { limits: [{ metric: "requests", amount: 2, window: "day" }] }),
      provider("p"),
    ]);
    const h = harness(g, { start: Date.UTC(2026, 0, 1, 12) });
    const served: (string | null)[] = [];
    for (let i = 0; i < 3; i++) served.push((await h.chat()).meta.servedModel);
    expect(served).toEqual(["a", "a", "c"]);
    const out = await h.chat();
    expect(out.meta.skipped).toEqual([
      { model: "a", reason: "quota" },
      { model: "b", reason: "quota" },
    ]);
    expect(h.engine.state().quotas["provider:free:requests:day"]).toEqual({
      windowStart: Date.UTC(2026, 0, 1),
      used: 2,
    });
  });

  test("a usd budget is charged from usage and the model's price", async () => {
    const g = chainGraph([
      model("a", { priceIn: 1_000_000, priceOut: 0, limits: [{ metric: "usd", amount: 5, window: "day" }] }),
      model("b"),
    ]);
    const h = harness(g, { start: Date.UTC(2026, 0, 1) });
    h.upstream.script("a", [
      { kind: "completion", text: "x", usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
    ]);
    expect((await h.chat()).meta.costUsd).toBe(3);
    expect((await h.chat()).meta.servedModel).toBe("a"); // $3 spent, still under $5
    expect((await h.chat()).meta.servedModel).toBe("b"); // $6 spent
  });
});
