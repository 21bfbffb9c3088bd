// What the compiler puts in the graph: resolved settings, candidates with caps and context windows,
// conditions as capability masks, defaults for omitted keys, and the pipeline's stop-at-first-
// failing-stage behaviour.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Graph, TargetNode } from "../../src/compile/graph.ts";
import { compilePolicyFile, compilePolicySource } from "../../src/compile/index.ts";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";

const SIM = `provider sim { kind simulated }`;

const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-compile-"));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function compile(source: string): Graph {
  const result = compilePolicySource(source, "test.route");
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.graph!;
}

const route = (g: Graph, name: string) => g.routes.find((r) => r.name === name)!;

describe("settings inheritance", () => {
  const g = compile(`
    defaults {
      timeout { connect 5s  total 4m }
      retry { attempts 3  backoff { base 100ms  jitter 10% } }
      breaker { error_rate 0% }
    }
    ${SIM}
    model a { provider sim  can [chat, tools] }
    route plain { otherwise -> [a] }
    route tuned {
      timeout { total 2m }
      retry { backoff { max 2s } }
      when tools -> [a] { retry { attempts 1  on [5xx, timeout] }  timeout { idle 7s } }
      otherwise -> [a]
    }
  `);

  test("built-in values fill what no layer names", () => {
    const s = route(g, "plain").rules[0].settings;
    expect(s.timeout).toEqual({ connectMs: 5000, firstTokenMs: 60_000, idleMs: 30_000, totalMs: 240_000 });
    expect(s.retry.maxPerRequest).toBe(6);
    expect(s.retry.retryAfterCapMs).toBe(20_000);
    expect(s.retry.onStatuses).toEqual([429, 500, 502, 503, 504]);
    expect(s.retry.onClasses).toEqual(["connect", "reset"]);
    expect(s.stream).toEqual({ onBreak: "continue", toolCalls: "hold" });
    expect(s.failoverOnContentPolicy).toBe(false);
  });

  test("defaults override built-ins key by key, also inside nested blocks", () => {
    const r = route(g, "plain").rules[0].settings.retry;
    expect([r.attempts, r.backoffBaseMs, r.backoffMaxMs, r.jitter]).toEqual([3, 100, 8000, 0.1]);
  });

  test("`error_rate 0%` turns the rate rule off", () => {
    expect(route(g, "plain").rules[0].settings.breaker.errorRate).toBeNull();
  });

  test("a route overrides only what it names; a rule block overrides the route", () => {
    const [rule, otherwise] = route(g, "tuned").rules;
    expect(otherwise.settings.timeout).toEqual({
      connectMs: 5000,
      firstTokenMs: 60_000,
      idleMs: 30_000,
      totalMs: 120_000,
    });
    expect(otherwise.settings.retry).toMatchObject({ attempts: 3, backoffBaseMs: 100, backoffMaxMs: 2000 });
    expect(rule.settings.timeout).toEqual({ connectMs: 5000, firstTokenMs: 60_000, idleMs: 7000, totalMs: 120_000 });
    expect(rule.settings.retry).toMatchObject({ attempts: 1, backoffBaseMs: 100, backoffMaxMs: 2000, jitter: 0.1 });
  });

  test("`stream { tool_calls pass }` compiles next to the inherited on_break", () => {
    const c = compile(
      `${SIM}\nmodel m { provider sim  can [chat, stream] }\nroute r { stream { tool_calls pass }  otherwise -> m }`,
    );
    expect(route(c, "r").rules[0].settings.stream).toEqual({ onBreak: "continue", toolCalls: "pass" });
  });

  test("`retry.on` expands status classes and keeps failure-class words", () => {
    const r = route(g, "tuned").rules[0].settings.retry;
    expect(r.onStatuses).toHaveLength(100);
    expect(r.onStatuses[0]).toBe(500);
    expect(r.onStatuses[99]).toBe(599);
    expect(r.onClasses).toEqual(["timeout"]);
  });
});

describe("declarations", () => {
  const g = compile(`
    gateway { keys [env("K1"), env("K2")]  admin_token env("ADMIN")  max_body 2M }
    provider oa { kind openai  key env("OA_KEY")  headers { "X-Org" "acme" }  quota { requests 100/min } }
    provider an { kind anthropic  key env("AN_KEY") }
    provider local { kind openai  base_url "http://127.0.0.1:11434/v1" }
    provider sim { kind simulated  ttft 50ms  outage { every 2m  for 30s } }
    model gpt { provider oa  can [vision, chat, tools]  context 128k  max_output 16k
      price { input $2.50  output $10 }  quota { requests [500/min, 10k/day]  tokens 1M/day  spend $5/month } }
    model claude { provider an  upstream "claude-sonnet"  can [chat] }
    model llama { provider local  can [chat] }
    model fake { provider sim  can [chat, stream] }
    route r { otherwise -> [gpt, claude, llama, fake] }
  `);
  const provider = (n: string) => g.providers.find((p) => p.name === n)!;
  const model = (n: string) => g.models.find((m) => m.name === n)!;

  test("the gateway section", () => {
    expect(g.gateway).toEqual({
      clientKeyEnvs: ["K1", "K2"],
      adminTokenEnv: "ADMIN",
      metricsTokenEnv: null,
      maxBodyBytes: 2_000_000,
      directModels: false,
    });
  });

  test("base_url defaults by kind; keys are env var names, never values", () => {
    expect(provider("oa")).toMatchObject({
      baseUrl: "https://api.openai.com/v1",
      keyEnv: "OA_KEY",
      headers: { "X-Org": "acme" },
      sim: null,
    });
    expect(provider("an")).toMatchObject({ baseUrl: "https://api.anthropic.com/v1", keyEnv: "AN_KEY" });
    expect(provider("local")).toMatchObject({ baseUrl: "http://127.0.0.1:11434/v1", keyEnv: null });
    expect(provider("oa").limits).toEqual([{ metric: "requests", amount: 100, window: "minute" }]);
  });

  test("a simulated provider gets a full profile; the outage status defaults to the error status", () => {
    expect(provider("sim")).toMatchObject({ baseUrl: null, keyEnv: null });
    expect(provider("sim").sim).toEqual({
      ttftMs: 50,
      perTokenMs: 10,
      outputTokens: 50,
      errorRate: 0,
      errorStatus: 503,
      outage: { periodMs: 120_000, downMs: 30_000, status: 503 },
    });
  });

  test("models: caps as mask and canonical names, upstream defaults to the name, prices and rates", () => {
    expect(model("gpt")).toEqual({
      name: "gpt",
      upstream: "gpt",
      provider: "oa",
      caps: CAP_BIT.chat | CAP_BIT.tools | CAP_BIT.vision,
      capNames: ["chat", "tools", "vision"],
      contextWindow: 128_000,
      maxOutput: 16_000,
      priceIn: 2.5,
      priceOut: 10,
      limits: [
        { metric: "requests", amount: 500, window: "minute" },
        { metric: "requests", amount: 10_000, window: "day" },
        { metric: "tokens", amount: 1_000_000, window: "day" },
        { metric: "usd", amount: 5, window: "month" },
      ],
    });
    expect(model("claude")).toMatchObject({
      upstream: "claude-sonnet",
      contextWindow: 128_000,
      maxOutput: 4096,
      priceIn: 0,
      priceOut: 0,
      limits: [],
    });
  });

  test("candidates carry their model's provider, caps and context window", () => {
    const target = route(g, "r").rules[0].target as Extract<TargetNode, { kind: "chain" }>;
    expect(target.candidates.map((c) => [c.model, c.provider, c.caps, c.contextWindow, c.weight])).toEqual([
      ["gpt", "oa", model("gpt").caps, 128_000, 1],
      ["claude", "an", CAP_BIT.chat, 128_000, 1],
      ["llama", "local", CAP_BIT.chat, 128_000, 1],
      ["fake", "sim", CAP_BIT.chat | CAP_BIT.stream, 128_000, 1],
    ]);
  });
});

describe("digit separators", () => {
  test("`_` groups digits in every kind of number, as docs/language.md says", () => {
    const g = compile(`
      provider sim { kind simulated  output_tokens 1_000_000  ttft 1_500ms  per_token 0.000_5s }
      model m { provider sim  can [chat]  context 1_000k  max_output 16_384  price { input $1_000  output $0.000_1 }
        quota { requests 10_000/day  tokens 1_000_000/min } }
      route r { otherwise -> [m] { timeout { total 120_000ms } breaker { failures 1_000 } } }`);
    expect(g.providers[0]!.sim).toMatchObject({ outputTokens: 1_000_000, ttftMs: 1500, perTokenMs: 0.5 });
    expect(g.models[0]).toMatchObject({ contextWindow: 1_000_000, maxOutput: 16_384, priceIn: 1000, priceOut: 0.0001 });
    expect(g.models[0]!.limits).toEqual([
      { metric: "requests", amount: 10_000, window: "day" },
      { metric: "tokens", amount: 1_000_000, window: "minute" },
    ]);
    expect(route(g, "r").rules[0]!.settings).toMatchObject({
      timeout: { totalMs: 120_000 },
      breaker: { failures: 1000 },
    });
  });
});

describe("rules", () => {
  const g = compile(`
    ${SIM}
    model a { provider sim  can [chat, stream, tools, vision, json] }
    model b { provider sim  can [chat, stream, tools, vision, json] }
    route cheap { otherwise -> [b] }
    route r {
      when vision and (tools and json) -> [a, b]
      when (vision or tools) and not stream -> a
      when tokens > 100k -> [b]
      when header "X-Tier" == "free" -> route cheap
      when metadata "team" in ["search", "ads"] -> split [ [a, b] 70%, route cheap ]
      when param temperature >= 1.5 -> lowest_cost [a, b]
      when header "x-user" matches "^beta-" -> sticky(header "X-Session") [a, b]
      otherwise -> weighted [a 3, b]
    }
  `);
  const rules = route(g, "r").rules;

  test("capability words in one `and` merge into a single mask; needs is what the condition guarantees", () => {
    expect(rules[0].cond).toEqual({ op: "caps", mask: CAP_BIT.vision | CAP_BIT.tools | CAP_BIT.json });
    expect(rules[0].needs).toBe(CAP_BIT.vision | CAP_BIT.tools | CAP_BIT.json);
    expect(rules[1].cond).toEqual({
      op: "and",
      args: [
        {
          op: "or",
          args: [
            { op: "caps", mask: CAP_BIT.vision },
            { op: "caps", mask: CAP_BIT.tools },
          ],
        },
        { op: "not", arg: { op: "caps", mask: CAP_BIT.stream } },
      ],
    });
    expect(rules[1].needs).toBe(0); // `or` guarantees only what both sides need, `not` nothing
  });

  test("comparisons keep their operator and value; header names are lowercased", () => {
    expect(rules[2].cond).toEqual({ op: "tokens", cmp: ">", value: 100_000 });
    expect(rules[3].cond).toEqual({ op: "header", name: "x-tier", cmp: "==", value: "free" });
    expect(rules[4].cond).toEqual({ op: "metadata", name: "team", cmp: "in", value: ["search", "ads"] });
    expect(rules[5].cond).toEqual({ op: "param", name: "temperature", cmp: ">=", value: 1.5 });
    expect(rules[6].cond).toEqual({ op: "header", name: "x-user", cmp: "matches", value: "^beta-" });
    expect(rules[7].cond).toBeNull();
  });

  test("targets: a bare model is a one-candidate chain, route refs, splits and strategies", () => {
    expect(rules[1].target).toMatchObject({ kind: "chain", candidates: [{ model: "a" }] });
    expect(rules[3].target).toEqual({ kind: "route", route: "cheap" });
    const split = rules[4].target as Extract<TargetNode, { kind: "split" }>;
    expect(split.arms.map((a) => a.weight)).toEqual([70, 30]); // the unweighted arm gets the rest of 100%
    expect(split.arms[1].target).toEqual({ kind: "route", route: "cheap" });
    expect(rules[5].target).toMatchObject({ kind: "select", strategy: "lowest_cost", stickyKey: null });
    expect(rules[6].target).toMatchObject({
      kind: "select",
      strategy: "sticky",
      stickyKey: { source: "header", name: "x-session" },
    });
    const weighted = rules[7].target as Extract<TargetNode, { kind: "select" }>;
    expect(weighted.candidates.map((c) => c.weight)).toEqual([3, 1]);
  });

  test("rules know their source line", () => {
    expect(rules.map((r) => r.line)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test("the graph is plain data: it survives a JSON round trip unchanged", () => {
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
  });
});

describe("pipeline", () => {
  test("a syntax error stops before the checker and reports positions", () => {
    const r = compilePolicySource("route r {\n  otherwise -> [a\n}\nroute s { otherwise -> [zz] }", "bad.route");
    expect(r.graph).toBeNull();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.code.startsWith("SY1"))).toBe(true);
  });

  test("checker errors stop compilation; all of them are reported, sorted by position", () => {
    const r = compilePolicySource(
      `${SIM}\nroute r { otherwise -> [nope] }\nroute s { otherwise -> [gone] }`,
      "bad.route",
    );
    expect(r.graph).toBeNull();
    const starts = r.diagnostics.map((d) => d.primary.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const codes = r.diagnostics.filter((d) => d.severity === "error");
    expect(codes.length).toBeGreaterThanOrEqual(2);
  });

  test("warnings do not stop compilation", () => {
    const r = compilePolicySource(
      `${SIM}\nmodel a { provider sim  can [chat, tools] }\nroute r { when tools -> [a] }`,
      "warn.route",
    );
    expect(r.diagnostics.some((d) => d.severity === "warning")).toBe(true);
    expect(r.graph).not.toBeNull();
  });

  test("missing env vars are a warning or an error only when asked", () => {
    const src = `provider p { kind openai  key env("SURELY_UNSET_VAR_X") }\nmodel a { provider p  can [chat] }\nroute r { otherwise -> [a] }`;
    expect(compilePolicySource(src, "e.route").diagnostics).toEqual([]);
    const secrets = { get: () => undefined };
    expect(
      compilePolicySource(src, "e.route", { secrets, missingEnv: "warning" }).diagnostics.map((d) => d.severity),
    ).toEqual(["warning"]);
    const asError = compilePolicySource(src, "e.route", { secrets, missingEnv: "error" });
    expect(asError.graph).toBeNull();
  });

  test("compilePolicyFile turns I/O problems into SY4001 instead of throwing", async () => {
    const dir = tempDir();
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling.route"));
    for (const path of [join(dir, "missing.route"), join(dir, "dangling.route"), dir]) {
      const r = await compilePolicyFile(path);
      expect(r.graph).toBeNull();
      expect(r.diagnostics.map((d) => d.code)).toEqual(["SY4001"]);
      expect(r.diagnostics[0].message).toContain(path);
    }
  });

  test("compilePolicyFile reads bytes, so bad encodings are diagnostics too", async () => {
    const dir = tempDir();
    const path = join(dir, "latin1.route");
    writeFileSync(path, Buffer.from([0x72, 0x6f, 0x75, 0x74, 0x65, 0x20, 0xe9, 0x0a]));
    const r = await compilePolicyFile(path);
    expect(r.graph).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["SY1002"]);
  });
});
