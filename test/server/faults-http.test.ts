// Fault suite, failures before any content: real HTTP to mock upstreams through the real engine
// and adapter. Each test asserts what the upstreams saw (attempt counts and gaps) as well as what
// the client got.
import { describe, expect, test } from "bun:test";
import {
  stopAfterEach,
  faultGraph,
  faultSettings,
  lastLog,
  startRig,
  UPSTREAM_KEY,
  type Rig,
} from "./fault-harness.ts";
import { completionBody, json, mockUpstream, openaiError, rawUpstream, type MockUpstream } from "./mock-upstream.ts";

const track = stopAfterEach();
const ok =
  (model: string, text = "fine") =>
  () =>
    json(completionBody(model, text));
const gaps = (u: MockUpstream) => u.calls.slice(1).map((c, i) => c.at - u.calls[i].at);

function rig(
  a: MockUpstream,
  b: MockUpstream,
  settings = faultSettings(),
  extra: Parameters<typeof faultGraph>[0][number]["extra"][] = [],
): Rig {
  return track(
    startRig(
      faultGraph(
        [
          { name: "a", upstream: a, extra: extra[0] },
          { name: "b", upstream: b, extra: extra[1] },
        ],
        settings,
      ),
    ),
  );
}

describe("fault suite: before the first token", () => {
  test("429 with a short Retry-After: waits that long and retries the same model", async () => {
    const a = track(
      mockUpstream((n) =>
        n === 0
          ? openaiError(429, "slow down", "rate_limit_exceeded", { "retry-after-ms": "60" })
          : json(completionBody("a-up", "after wait")),
      ),
    );
    const b = track(mockUpstream(ok("b-up")));
    const r = rig(a, b, faultSettings({ retry: { attempts: 2, retryAfterCapMs: 200 } }));
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:429,a:200");
    expect(a.calls).toHaveLength(2);
    expect(gaps(a)[0]).toBeGreaterThanOrEqual(55);
    expect(b.calls).toHaveLength(0);
  });

  test("429 with a Retry-After over the cap: fails over at once instead of waiting", async () => {
    const a = track(mockUpstream(() => openaiError(429, "slow down", "rate_limit_exceeded", { "retry-after": "30" })));
    const b = track(mockUpstream(ok("b-up", "from b")));
    const r = rig(a, b, faultSettings({ retry: { attempts: 3, retryAfterCapMs: 100 } }));
    const started = performance.now();
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe("from b");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(1);
  });

  test("a Retry-After over the cap keeps later requests away from the model until it has passed", async () => {
    const a = track(mockUpstream(() => openaiError(429, "slow down", "rate_limit_exceeded", { "retry-after": "30" })));
    const b = track(mockUpstream(ok("b-up", "from b")));
    const r = rig(a, b, faultSettings({ retry: { attempts: 3, retryAfterCapMs: 100 } }));
    for (let i = 0; i < 3; i++) expect((await r.chat({})).status).toBe(200);
    // the upstream said "not for 30 s": the second and third requests go straight to b
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(3);
    expect(lastLog(r)).toMatchObject({ servedModel: "b", attempts: [{ model: "b" }] });
  });

  test("persistent 429 without Retry-After: backs off per attempt, then fails over", async () => {
    const a = track(mockUpstream(() => openaiError(429, "slow down", "rate_limit_exceeded")));
    const b = track(mockUpstream(ok("b-up")));
    const r = rig(a, b, faultSettings({ retry: { attempts: 3, backoffBaseMs: 20, backoffMaxMs: 80 } }));
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:429,a:429,a:429,b:200");
    expect(a.calls).toHaveLength(3);
    const [g1, g2] = gaps(a);
    expect(g1).toBeGreaterThanOrEqual(18); // base
    expect(g2).toBeGreaterThanOrEqual(38); // base·2
    expect(b.calls).toHaveLength(1);
  });

  test("a 500 once, then healthy: one retry on the same model", async () => {
    const a = track(
      mockUpstream((n) => (n === 0 ? openaiError(500, "oops") : json(completionBody("a-up", "recovered")))),
    );
    const b = track(mockUpstream(ok("b-up")));
    const r = rig(a, b, faultSettings({ retry: { attempts: 2 } }));
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe("recovered");
    expect(a.calls).toHaveLength(2);
    expect(b.calls).toHaveLength(0);
  });

  test("persistent 503 everywhere: a clean 502/503 with the per-attempt summary", async () => {
    const a = track(mockUpstream(() => openaiError(503, "down")));
    const b = track(mockUpstream(() => openaiError(503, "down too")));
    const r = rig(a, b, faultSettings({ retry: { attempts: 2 } }));
    const res = await r.chat({});
    expect([502, 503]).toContain(res.status);
    const body = (await res.json()) as any;
    expect(body.error.message).toContain("a:503");
    expect(body.error.message).toContain("b:503");
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:503,a:503,b:503,b:503");
    expect(a.calls).toHaveLength(2);
    expect(b.calls).toHaveLength(2);
  });

  test("TCP reset before headers: fails over to the next model", async () => {
    const a = track(rawUpstream("reset"));
    const b = track(mockUpstream(ok("b-up", "from b")));
    const r = rig(a, b);
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe("from b");
    expect(a.connections()).toBeGreaterThanOrEqual(1);
    expect(b.calls).toHaveLength(1);
  });

  test("no response at all: the attempt times out and the next model serves", async () => {
    const a = track(rawUpstream("silent"));
    const b = track(mockUpstream(ok("b-up", "from b")));
    const r = rig(a, b, faultSettings({ timeout: { connectMs: 80, firstTokenMs: 80 } }));
    const started = performance.now();
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.headers.get("x-switchyard-attempts")).toMatch(/^a:timeout,b:200$/);
    // The 80 ms spent waiting on the silent upstream is not the gateway's own overhead.
    expect(Number(res.headers.get("x-switchyard-overhead-ms"))).toBeLessThan(40);
    expect(a.connections()).toBe(1); // not retried: timeout is not in onClasses
  });

  test("context_length_exceeded: skips to the model with the larger window", async () => {
    const a = track(
      mockUpstream(() =>
        openaiError(400, "This model's maximum context length is 8192 tokens", "context_length_exceeded"),
      ),
    );
    const b = track(mockUpstream(ok("b-up", "big window")));
    const r = rig(a, b, faultSettings(), [{ contextWindow: 8_000 }, { contextWindow: 200_000 }]);
    const res = await r.chat({});
    expect(res.status).toBe(200);
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(1);
  });

  test("content_policy_violation is returned to the client, not failed over", async () => {
    const a = track(mockUpstream(() => openaiError(400, "your request was flagged", "content_policy_violation")));
    const b = track(mockUpstream(ok("b-up")));
    const r = rig(a, b);
    const res = await r.chat({});
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe("content_policy_violation");
    expect(b.calls).toHaveLength(0);
  });

  test("a flapping primary: the breaker opens, probes after cooldown, closes; the client is served throughout", async () => {
    // Fails calls 0-2, healthy after: the breaker (3 failures) opens, skips `a`, then a probe closes it.
    const a = track(mockUpstream((n) => (n < 3 ? openaiError(503, "flap") : json(completionBody("a-up", "a back")))));
    const b = track(mockUpstream(ok("b-up", "b serving")));
    const r = rig(a, b, faultSettings({ breaker: { failures: 3, cooldownMs: 60, probes: 1, successes: 1 } }));
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await r.chat({});
      expect(res.status).toBe(200);
      served.push(res.headers.get("x-switchyard-model")!);
    }
    expect(a.calls).toHaveLength(3); // open: the later requests never reached `a`
    expect(served).toEqual(["b", "b", "b", "b", "b", "b"]);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_breaker_state{model="a"} 2');

    await Bun.sleep(80); // the breaker's cooldown is the behaviour under test
    const probe = await r.chat({});
    expect(probe.status).toBe(200);
    expect(probe.headers.get("x-switchyard-model")).toBe("a");
    expect(a.calls).toHaveLength(4);
    const after = await r.chat({});
    expect(after.headers.get("x-switchyard-model")).toBe("a");
    const closed = await (await fetch(`${r.url}/metrics`)).text();
    expect(closed).toContain('switchyard_breaker_state{model="a"} 0');
    const transitions = r.logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === "breaker" && l.model === "a")
      .map((l) => l.to);
    expect(transitions).toEqual(["open", "half_open", "closed"]);
  });

  test("accounting names the fallback model and its usage, and the key stays secret", async () => {
    const a = track(mockUpstream(() => openaiError(503, "down")));
    const b = track(
      mockUpstream(() =>
        json(completionBody("b-up", "from b", { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 })),
      ),
    );
    const r = rig(a, b);
    const res = await r.chat({});
    const body = (await res.json()) as any;
    expect(res.headers.get("x-switchyard-model")).toBe("b");
    expect(body.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    const log = lastLog(r);
    expect(log).toMatchObject({ servedModel: "b", tokens: { in: 11, out: 7 }, status: 200 });
    expect(log.costUsd).toBeCloseTo((11 * 1 + 7 * 2) / 1e6, 12);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_tokens_total{direction="out",model="b"} 7');
    const state = await (await fetch(`${r.url}/admin/state`, { headers: { authorization: "Bearer adm" } })).text();
    expect([JSON.stringify(body), metrics, state, ...r.logs].join("\n")).not.toContain(UPSTREAM_KEY);
    expect(b.calls[0].body.model).toBe("b-up");
    expect(b.calls[0].headers.get("authorization")).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(b.calls[0].headers.get("x-request-id")).toBe(res.headers.get("x-request-id"));
  });

  test("hot reload carries an open breaker to the new engine for a model that kept its name", async () => {
    const a = track(mockUpstream(() => openaiError(503, "down")));
    const b = track(mockUpstream(ok("b-up")));
    const settings = faultSettings({ breaker: { failures: 2, cooldownMs: 60_000 } });
    const r = rig(a, b, settings);
    await r.chat({});
    await r.chat({});
    expect(a.calls).toHaveLength(2);
    const before = r.gateway.engine();
    // The edit adds a route and reorders nothing: `a` keeps its name, so its open breaker must survive.
    const next = faultGraph(
      [
        { name: "a", upstream: a },
        { name: "b", upstream: b },
      ],
      settings,
    );
    next.routes.push({ ...next.routes[0], name: "extra" });
    r.gateway.reload(next);
    expect(r.gateway.engine()).not.toBe(before);
    expect(r.gateway.engine().state().breakers.a?.phase).toBe("open");
    const res = await r.chat({ model: "extra" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-switchyard-model")).toBe("b");
    expect(a.calls).toHaveLength(2); // skipped, not attempted
  });

  test("embeddings fail over like chat", async () => {
    const a = track(mockUpstream(() => openaiError(503, "down")));
    const b = track(
      mockUpstream(() =>
        json({
          object: "list",
          data: [{ object: "embedding", index: 0, embedding: [0.5, 0.25] }],
          model: "b-up",
          usage: { prompt_tokens: 2, total_tokens: 2 },
        }),
      ),
    );
    const r = rig(a, b, faultSettings(), [{ caps: 0xff }, { caps: 0xff }]);
    const res = await fetch(`${r.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "r", input: "hello" }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data[0].embedding).toEqual([0.5, 0.25]);
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:503,b:200");
    expect(b.calls[0].body.input).toBe("hello");
  });
});
