// Route resolution, rule matching, candidate skipping and plain failover.
import { describe, expect, test } from "bun:test";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";
import { candidates, chainGraph, err, graph, harness, model, provider, rule, usage } from "./fixtures.ts";

describe("routes and rules", () => {
  test("an unknown route is a 404 model_not_found listing the available routes", async () => {
    const h = harness(chainGraph([model("a")]));
    const out = await h.chat({}, { route: "nope" });
    expect(out.kind).toBe("error");
    if (out.kind !== "error") return;
    expect(out.status).toBe(404);
    expect(out.error.error.code).toBe("model_not_found");
    expect(out.error.error.message).toContain("`r`");
    expect(h.done).toHaveLength(1);
  });

  test("a completion is served by the first candidate, with the policy model name and usage booked", async () => {
    const h = harness(chainGraph([model("a", { priceIn: 2, priceOut: 4 }), model("b")]));
    h.upstream.script("a", [{ kind: "completion", text: "hi there", usage: usage(1000, 500) }]);
    const out = await h.chat();
    expect(out.kind).toBe("completion");
    if (out.kind !== "completion") return;
    expect(out.body.model).toBe("a");
    expect(out.body.choices[0]!.message.content).toBe("hi there");
    expect(h.upstream.calls[0]!.body.model).toBe("a-upstream");
    expect(h.upstream.calls[0]!.body.stream).toBeUndefined();
    expect(out.meta.servedModel).toBe("a");
    expect(out.meta.usage).toEqual(usage(1000, 500));
    expect(out.meta.costUsd).toBeCloseTo((1000 * 2 + 500 * 4) / 1e6, 12);
    expect(h.engine.state().counters.a).toMatchObject({ requests: 1, successes: 1, tokensIn: 1000, tokensOut: 500 });
    expect(h.upstream.calls[0]!.signal.aborted).toBe(false);
  });

  test("first matching rule wins; otherwise catches the rest; route targets recurse with the inner rule's settings", async () => {
    const models = [model("small"), model("big"), model("vis", { caps: ["chat", "vision"] })];
    const g = graph({
      models,
      routes: [
        {
          name: "r",
          rules: [
            rule({ cond: { op: "caps", mask: CAP_BIT.vision }, target: { kind: "route", route: "vision" } }),
            rule({
              cond: { op: "tokens", cmp: ">", value: 100 },
              target: { kind: "chain", candidates: candidates({ models }, ["big"]) },
            }),
            rule({ target: { kind: "chain", candidates: candidates({ models }, ["small"]) } }),
          ],
        },
        { name: "vision", rules: [rule({ target: { kind: "chain", candidates: candidates({ models }, ["vis"]) } })] },
      ],
    });
    const h = harness(g);
    const served = async (body: Record<string, unknown>) => {
      const out = await h.chat(body);
      return out.meta.servedModel;
    };
    expect(await served({})).toBe("small");
    expect(await served({ messages: [{ role: "user", content: "x".repeat(1000) }] })).toBe("big");
    expect(
      await served({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "u" } }] }] }),
    ).toBe("vis");
  });

  test("a route with no matching rule answers 400 and a route cycle is cut off", async () => {
    const models = [model("a")];
    const g = graph({
      models,
      routes: [
        {
          name: "r",
          rules: [
            rule({
              cond: { op: "caps", mask: CAP_BIT.vision },
              target: { kind: "chain", candidates: candidates({ models }, ["a"]) },
            }),
          ],
        },
        { name: "loop", rules: [rule({ target: { kind: "route", route: "loop" } })] },
      ],
    });
    const h = harness(g);
    const out = await h.chat();
    expect(out.kind === "error" && out.status).toBe(400);
    const loop = await h.chat({}, { route: "loop" });
    expect(loop.kind === "error" && loop.status).toBe(400);
  });

  test("split picks an arm by weight with the Random port", async () => {
    const models = [model("a"), model("b")];
    const g = graph({
      models,
      routes: [
        {
          name: "r",
          rules: [
            rule({
              target: {
                kind: "split",
                arms: [
                  { weight: 80, target: { kind: "chain", candidates: candidates({ models }, ["a"]) } },
                  { weight: 20, target: { kind: "chain", candidates: candidates({ models }, ["b"]) } },
                ],
              },
            }),
          ],
        },
      ],
    });
    const h = harness(g);
    const tally: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 300; i++) tally[(await h.chat()).meta.servedModel!]!++;
    expect(tally.a! / 300).toBeGreaterThan(0.7);
    expect(tally.a! / 300).toBeLessThan(0.9);
  });
});

describe("skipping", () => {
  test("candidates lacking a needed capability are skipped and never attempted", async () => {
    const h = harness(chainGraph([model("plain"), model("tooly", { caps: ["chat", "tools"] })]));
    const out = await h.chat({ tools: [{ type: "function", function: { name: "f" } }] });
    expect(out.meta.servedModel).toBe("tooly");
    expect(h.upstream.callsTo("plain")).toHaveLength(0);
    expect(out.meta.skipped).toEqual([{ model: "plain", reason: "capability" }]);
  });

  test("embeddings-only models are never given a chat", async () => {
    const h = harness(chainGraph([model("emb", { caps: ["embeddings"] }), model("a")]));
    const out = await h.chat();
    expect(out.meta.servedModel).toBe("a");
    expect(out.meta.skipped).toEqual([{ model: "emb", reason: "capability" }]);
  });

  test("a context window smaller than prompt + max_tokens is skipped", async () => {
    const h = harness(chainGraph([model("tiny", { contextWindow: 120 }), model("wide")]));
    const out = await h.chat({ messages: [{ role: "user", content: "x".repeat(400) }], max_tokens: 50 });
    expect(out.meta.servedModel).toBe("wide");
    expect(out.meta.skipped).toEqual([{ model: "tiny", reason: "context" }]);
    expect(h.upstream.callsTo("tiny")).toHaveLength(0);
  });

  test("a provider whose key is missing is skipped with no_key; the key is passed to the adapter otherwise", async () => {
    const g = chainGraph([model("a", { provider: "keyed" }), model("b", { provider: "other" })], undefined, [
      provider("keyed", { keyEnv: "KEYED_KEY" }),
      provider("other", { keyEnv: "OTHER_KEY" }),
    ]);
    const h = harness(g, { secrets: { OTHER_KEY: "sk-other-secret" } });
    const out = await h.chat();
    expect(out.meta.servedModel).toBe("b");
    expect(out.meta.skipped).toEqual([{ model: "a", reason: "no_key" }]);
    expect(h.upstream.calls[0]!.apiKey).toBe("sk-other-secret");
  });

  test("400/401/403/404 fail over to the next candidate without retrying, and keys never reach messages", async () => {
    const g = chainGraph([model("a", { provider: "k" }), model("b"), model("c"), model("d"), model("e")], undefined, [
      provider("k", { keyEnv: "K" }),
      provider("p"),
    ]);
    const h = harness(g, { secrets: { K: "sk-very-secret-key" } });
    const { UpstreamError } = await import("../../src/runtime/upstream.ts");
    h.upstream.script("a", [
      { kind: "fail", error: new UpstreamError("client", "bad request for key sk-very-secret-key", 400) },
    ]);
    h.upstream.script("b", [{ kind: "fail", error: err("auth", 401) }]);
    h.upstream.script("c", [{ kind: "fail", error: err("auth", 403) }]);
    h.upstream.script("d", [{ kind: "fail", error: err("not_found", 404) }]);
    const out = await h.chat();
    expect(out.meta.servedModel).toBe("e");
    expect(out.meta.attempts.map((a) => `${a.model}:${a.status ?? a.cls}`)).toEqual([
      "a:400",
      "b:401",
      "c:403",
      "d:404",
      "e:200",
    ]);
    expect(out.meta.failovers).toBe(4);
    expect(JSON.stringify(out.meta)).not.toContain("sk-very-secret-key");
    expect(out.meta.attempts[0]!.message).toContain("[redacted]");
  });

  test("all candidates failing gives 502 with the per-attempt trail", async () => {
    const h = harness(chainGraph([model("a"), model("b")]));
    h.upstream.script("a", [{ kind: "fail", error: err("server", 503) }]);
    h.upstream.script("b", [{ kind: "fail", error: err("server", 500) }]);
    const out = await h.chat();
    expect(out.kind).toBe("error");
    if (out.kind !== "error") return;
    expect(out.status).toBe(502);
    expect(out.error.error.message).toContain("a:503,b:500");
    expect(out.meta.status).toBe(502);
  });

  test("embeddings route by capability with the same failover", async () => {
    const h = harness(
      chainGraph([model("chatty"), model("e1", { caps: ["embeddings"] }), model("e2", { caps: ["embeddings"] })]),
    );
    h.upstream.script("e1", [{ kind: "fail", error: err("server", 500) }]);
    const out = await h.engine.embeddings({ ...h.request({}), body: { input: "hello" } });
    expect(out.kind).toBe("ok");
    if (out.kind !== "ok") return;
    expect(out.body.model).toBe("e2");
    expect(out.meta.skipped).toEqual([{ model: "chatty", reason: "capability" }]);
    expect(out.meta.attempts.map((a) => a.model)).toEqual(["e1", "e2"]);
  });
});
