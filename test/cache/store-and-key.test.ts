// The response cache's parts on their own: the in-memory store (lazy TTL expiry on a manual clock,
// exact LRU order over a long run; the bounds every store keeps are in store-conformance.ts) and
// the key (stable under field order, and changed by every component).
import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import type { MatchedRule } from "../../src/runtime/api.ts";
import { cacheKey, type KeyParts } from "../../src/cache/key.ts";
import { MemoryCacheStore } from "../../src/cache/memory-store.ts";

const place = (over: Partial<{ ttlMs: number; maxEntries: number; maxBytes: number }> = {}) => ({
  partition: "r#0",
  ttlMs: 60_000,
  maxEntries: 100,
  maxBytes: 1_000_000,
  ...over,
});

describe("memory store", () => {
  test("an entry expires at its ttl on the injected clock, lazily on lookup", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryCacheStore(clock);
    await store.set("k", "v", place({ ttlMs: 1000 }));
    await clock.advance(999);
    expect(await store.get("r#0", "k")).toBe("v");
    await clock.advance(1);
    expect(store.stats().entries).toBe(1); // nothing runs in the background
    expect(await store.get("r#0", "k")).toBeNull();
    expect(store.stats()).toEqual({ entries: 0, bytes: 0, evictions: 0, expirations: 1 });
  });

  test("a long run of sets, hits and evictions keeps exact LRU order (against a plain list)", () => {
    // The store keeps its LRU order in typed arrays (lru-slots.ts); this checks it against the
    // obvious model: a list, most recent last.
    const store = new MemoryCacheStore(new ManualClock(0));
    const p = place({ maxEntries: 50 });
    const model: string[] = [];
    const random = new SeededRandom(7);
    for (let i = 0; i < 20_000; i++) {
      const key = `k${Math.floor(random.next() * 120)}`;
      const found = store.get("r#0", key);
      const at = model.indexOf(key);
      expect(found === null).toBe(at === -1);
      if (at !== -1) model.splice(at, 1);
      model.push(key);
      if (found === null) store.set(key, "v", p);
      if (model.length > 50) model.shift();
    }
    expect(store.stats().entries).toBe(model.length);
    for (const key of model) expect(store.get("r#0", key)).toBe("v");
  });
});

describe("cache key", () => {
  const matched: MatchedRule = {
    rule: "r#0",
    models: ["a"],
    cache: { ttlMs: 1, maxEntries: 1, maxBytes: 1000, shared: false },
  };
  const body = {
    model: "r",
    messages: [{ role: "user", content: "hi" }],
    tools: [{ type: "function", function: { name: "f", parameters: {} } }],
    tool_choice: "auto",
    response_format: { type: "json_object" },
    temperature: 0.2,
    top_p: 0.9,
    seed: 7,
    max_tokens: 50,
    max_completion_tokens: 50,
    stop: ["x"],
    presence_penalty: 0,
    frequency_penalty: 0,
    logit_bias: { "50256": -100 },
  };
  const base: KeyParts = { matched, dialect: "chat", body, tenant: "sk-client-a" };

  test("the body's field order does not matter, nor fields set to undefined", () => {
    expect(cacheKey({ ...base, body: { ...body, user: undefined } })).toBe(cacheKey(base));
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect(cacheKey({ ...base, body: reordered })).toBe(cacheKey(base));
  });

  test("delivery fields (stream, stream_options, model) do not change it", () => {
    expect(
      cacheKey({ ...base, body: { ...body, stream: true, stream_options: { include_usage: true }, model: "other" } }),
    ).toBe(cacheKey(base));
  });

  const changes: [string, KeyParts][] = [
    ["rule", { ...base, matched: { ...matched, rule: "r#1" } }],
    ["models", { ...base, matched: { ...matched, models: ["b"] } }],
    ["dialect", { ...base, dialect: "messages" }],
    ["caller key", { ...base, tenant: "sk-client-b" }],
    ["no caller key", { ...base, tenant: null }],
    ["messages", { ...base, body: { ...body, messages: [{ role: "user", content: "hi!" }] } }],
  ];
  for (const field of [
    "tools",
    "tool_choice",
    "response_format",
    "temperature",
    "top_p",
    "seed",
    "max_tokens",
    "max_completion_tokens",
    "stop",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
  ]) {
    changes.push([
      field,
      { ...base, body: { ...body, [field]: field === "tool_choice" ? "none" : field === "stop" ? ["y"] : 0.5 } },
    ]);
  }
  changes.push(["an unknown field", { ...base, body: { ...body, reasoning_effort: "high" } }]);
  for (const [name, parts] of changes) {
    test(`a change in ${name} changes it`, () => expect(cacheKey(parts)).not.toBe(cacheKey(base)));
  }

  test("`shared true` drops the caller's key from it", () => {
    const shared = { ...matched, cache: { ...matched.cache!, shared: true } };
    expect(cacheKey({ ...base, matched: shared })).toBe(cacheKey({ ...base, matched: shared, tenant: "sk-client-b" }));
  });
});
