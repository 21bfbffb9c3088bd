// The response cache over real HTTP on 127.0.0.1: the gateway on the fault rig in front of a mock
// upstream, on an InstantClock so TTLs move only when the test moves them. A hit never reaches
// the upstream; the header says hit, miss or bypass; failed and broken answers are never stored.
import { describe, expect, test } from "bun:test";
import type { Settings } from "../../src/compile/graph.ts";
import {
  faultGraph,
  faultSettings,
  sseData,
  startRig,
  stopAfterEach,
  streamedText,
  type Rig,
} from "./fault-harness.ts";
import { InstantClock } from "./fixtures.ts";
import {
  completionBody,
  finish,
  json,
  mockUpstream,
  openaiError,
  sse,
  words,
  type MockUpstream,
  type Script,
} from "./mock-upstream.ts";

const track = stopAfterEach();
const CACHE = { ttlMs: 60_000, maxEntries: 100, maxBytes: 1_000_000, shared: false };

function cachedRig(
  script: Script,
  cache: Settings["cache"] = CACHE,
  settings = faultSettings(),
): { rig: Rig; up: MockUpstream; clock: InstantClock } {
  const up = track(mockUpstream(script));
  const clock = new InstantClock();
  const graph = faultGraph([{ name: "a", upstream: up }], { ...settings, cache });
  const rig = track(startRig(graph, { CLIENT_A: "sk-client-a", CLIENT_B: "sk-client-b" }, clock));
  return { rig, up, clock };
}

const answering: Script = (n, body) =>
  body.stream
    ? sse([...words("a-up", [`answer ${n}`]), ...finish("a-up"), { end: "done" }])
    : json(completionBody("a-up", `answer ${n}`));

async function ask(
  rig: Rig,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: string | null; text: string }> {
  const res = await rig.chat(body, headers);
  const raw = await res.text();
  const text =
    body.stream === true ? streamedText(sseData(raw)) : (JSON.parse(raw).choices?.[0]?.message?.content ?? raw);
  return { status: res.headers.get("x-switchyard-cache"), text };
}

describe("hits and misses", () => {
  test("the second identical request is a hit the upstream never sees", async () => {
    const { rig, up } = cachedRig(answering);
    expect(await ask(rig)).toEqual({ status: "miss", text: "answer 0" });
    expect(await ask(rig)).toEqual({ status: "hit", text: "answer 0" });
    expect(up.calls.length).toBe(1);
    const lines = rig.logs.map((l) => JSON.parse(l)).filter((l) => l.event === "request");
    expect(lines.map((l) => [l.cache, l.attempts.length, l.servedModel])).toEqual([
      ["miss", 1, "a"],
      ["hit", 0, "a"],
    ]);
  });

  test("a change in a sampling parameter, the messages or the tools is a miss", async () => {
    const { rig, up } = cachedRig(answering);
    await ask(rig, { temperature: 0.1 });
    expect((await ask(rig, { temperature: 0.2 })).status).toBe("miss");
    expect((await ask(rig, { temperature: 0.1, messages: [{ role: "user", content: "other" }] })).status).toBe("miss");
    expect(
      (await ask(rig, { temperature: 0.1, tools: [{ type: "function", function: { name: "f", parameters: {} } }] }))
        .status,
    ).toBe("miss");
    expect((await ask(rig, { temperature: 0.1 })).status).toBe("hit");
    expect(up.calls.length).toBe(4);
  });

  test("a stream request hits a completion's entry and a plain request a stream's", async () => {
    const { rig, up } = cachedRig(answering);
    await ask(rig, { stream: true });
    expect(await ask(rig)).toEqual({ status: "hit", text: "answer 0" });
    await ask(rig, { seed: 1 });
    expect(await ask(rig, { seed: 1, stream: true })).toEqual({ status: "hit", text: "answer 1" });
    expect(up.calls.length).toBe(2);
  });

  test("a hit is served with every candidate's breaker open, and no attempt is recorded", async () => {
    const { rig, up } = cachedRig(
      (n, body) => (body.seed === 1 ? openaiError(503, "down") : answering(n, body, undefined as never)),
      CACHE,
      faultSettings({ breaker: { failures: 1, cooldownMs: 60_000 } }),
    );
    await ask(rig);
    expect((await rig.chat({ seed: 1 })).status).not.toBe(200); // opens the breaker
    expect((await rig.chat({ seed: 2 })).headers.get("x-switchyard-attempts")).toBe(""); // skipped: breaker open
    const hit = await rig.chat({});
    expect([hit.status, hit.headers.get("x-switchyard-cache"), hit.headers.get("x-switchyard-attempts")]).toEqual([
      200,
      "hit",
      "",
    ]);
    expect(up.calls.length).toBe(2);
  });

  test("a stream stored without the client's usage chunk still answers a plain hit with usage", async () => {
    const { rig } = cachedRig(answering);
    await ask(rig, { stream: true });
    const hit = await rig.chat({});
    expect(hit.headers.get("x-switchyard-cache")).toBe("hit");
    expect((await hit.json()).usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
  });

  test("entries expire after ttl on the injected clock", async () => {
    const { rig, clock } = cachedRig(answering, { ...CACHE, ttlMs: 1000 });
    await ask(rig);
    clock.t += 999;
    expect((await ask(rig)).status).toBe("hit");
    clock.t += 1;
    expect(await ask(rig)).toEqual({ status: "miss", text: "answer 1" });
  });
});

describe("tenants and bypass", () => {
  test("one caller never sees another's answer unless the rule says shared", async () => {
    const { rig } = cachedRig(answering);
    await ask(rig, {}, { authorization: "Bearer sk-client-a" });
    expect(await ask(rig, {}, { authorization: "Bearer sk-client-b" })).toEqual({ status: "miss", text: "answer 1" });
    expect((await ask(rig, {}, { authorization: "Bearer sk-client-a" })).status).toBe("hit");
    const shared = cachedRig(answering, { ...CACHE, shared: true }).rig;
    await ask(shared, {}, { authorization: "Bearer sk-client-a" });
    expect(await ask(shared, {}, { authorization: "Bearer sk-client-b" })).toEqual({ status: "hit", text: "answer 0" });
  });

  test("n > 1 and Cache-Control no-store / no-cache bypass it, read and write", async () => {
    const { rig, up } = cachedRig(answering);
    expect((await ask(rig, { n: 2 })).status).toBe("bypass");
    expect((await ask(rig, {}, { "cache-control": "no-store" })).status).toBe("bypass");
    expect((await ask(rig, {}, { "cache-control": "max-age=0, No-Cache" })).status).toBe("bypass");
    expect((await ask(rig)).status).toBe("miss");
    expect((await ask(rig, {}, { "cache-control": "no-cache" })).status).toBe("bypass");
    expect(up.calls.length).toBe(5);
  });

  test("without a cache every API response says bypass, errors too", async () => {
    const up = track(mockUpstream(answering));
    const rig = track(startRig(faultGraph([{ name: "a", upstream: up }], faultSettings())));
    expect((await rig.chat({})).headers.get("x-switchyard-cache")).toBe("bypass");
    expect((await rig.chat({ model: "nope" })).headers.get("x-switchyard-cache")).toBe("bypass");
  });
});

describe("only whole successes are stored", () => {
  test("an error answer is not cached", async () => {
    const { rig, up } = cachedRig((n) =>
      n === 0 ? openaiError(400, "bad request") : json(completionBody("a-up", "fine")),
    );
    expect((await rig.chat({})).status).not.toBe(200);
    expect(await ask(rig)).toEqual({ status: "miss", text: "fine" });
    expect(up.calls.length).toBe(2);
  });

  test("a stream that broke and failed is not cached", async () => {
    const { rig, up } = cachedRig(
      (n) =>
        n === 0
          ? sse([...words("a-up", ["half"]), { end: "close" }])
          : answering(n, { stream: true }, undefined as never),
      CACHE,
      faultSettings({ stream: { onBreak: "fail" } }),
    );
    const broken = await rig.chat({ stream: true });
    expect(sseData(await broken.text()).some((f) => f !== "[DONE]" && "error" in f)).toBe(true);
    expect(await ask(rig, { stream: true })).toEqual({ status: "miss", text: "answer 1" });
    expect(up.calls.length).toBe(2);
  });

  test("a stream continued on another model after a break is not cached", async () => {
    const a = track(mockUpstream(() => sse([...words("a-up", ["half "]), { end: "close" }])));
    const b = track(mockUpstream(answering));
    const graph = faultGraph(
      [
        { name: "a", upstream: a },
        { name: "b", upstream: b },
      ],
      { ...faultSettings(), cache: CACHE },
    );
    const rig = track(startRig(graph, {}, new InstantClock()));
    const first = await ask(rig, { stream: true });
    expect(first).toEqual({ status: "miss", text: "half answer 0" }); // continued on b
    expect((await ask(rig, { stream: true })).status).toBe("miss");
    expect(a.calls.length + b.calls.length).toBe(4);
  });
});

describe("counters", () => {
  test("hits, misses and bytes in /admin/state and /metrics", async () => {
    const { rig } = cachedRig(answering);
    await ask(rig);
    await ask(rig);
    await ask(rig, { n: 2 });
    const state = await (await fetch(`${rig.url}/admin/state`, { headers: { authorization: "Bearer adm" } })).json();
    expect(state.cache).toMatchObject({ hits: 1, misses: 1, bypasses: 1, entries: 1, evictions: 0 });
    expect(state.cache.bytes).toBeGreaterThan(0);
    const metrics = await (await fetch(`${rig.url}/metrics`)).text();
    expect(metrics).toContain("switchyard_cache_hits_total 1");
    expect(metrics).toContain("switchyard_cache_misses_total 1");
    expect(metrics).toMatch(/switchyard_cache_bytes [1-9]/);
  });
});
