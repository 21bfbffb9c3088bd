// The cache's sessions on their own (no server, no simulator): what a hit saves, whose answer it
// is, what a store that fails or holds a foreign entry does, and a stream fold that stops
// collecting once its answer could never be stored.
import { describe, expect, test } from "bun:test";
import { StreamFold } from "../../src/cache/answer.ts";
import { MemoryCacheStore } from "../../src/cache/memory-store.ts";
import { ResponseCache } from "../../src/cache/response-cache.ts";
import type { ResponseCacheStore } from "../../src/cache/store.ts";
import type { Graph } from "../../src/compile/graph.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { ChatOutcome, MatchedRule } from "../../src/runtime/api.ts";
import type { ChatCompletion } from "../../src/runtime/upstream.ts";
import { meta } from "../server/fixtures.ts";

const settings = { ttlMs: 60_000, maxEntries: 10, maxBytes: 1_000_000, shared: false };
const graph = { routes: [{ rules: [{ settings: { cache: settings } }] }] } as unknown as Graph;
const matched: MatchedRule = { rule: "chat#0", models: ["a"], cache: settings };
const noHeaders = { get: () => null };
const body = { model: "chat", messages: [{ role: "user", content: "hi" }] };
const answer: ChatCompletion = {
  id: "c1",
  object: "chat.completion",
  created: 1,
  model: "a",
  choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }],
};

/** One request through a session: the hook, then (on a miss) the engine's answer settled. */
async function ask(cache: ResponseCache, key: string | null, cost = 0.25): Promise<string> {
  const session = cache.begin({ graph, dialect: "chat", body, headers: noHeaders, key });
  const m = meta("chat", { costUsd: cost });
  const served = await session.hook!(matched, m);
  if (served === null) session.settle({ kind: "completion", body: answer, meta: m } as ChatOutcome);
  return session.status;
}

describe("response cache sessions", () => {
  test("a hit counts what its answer cost when bought as saved", async () => {
    const cache = new ResponseCache(new MemoryCacheStore(new ManualClock(0)));
    expect(await ask(cache, null, 0.25)).toBe("miss");
    expect(await ask(cache, null, 0.25)).toBe("hit");
    expect(await ask(cache, null, 0.25)).toBe("hit");
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, savedUsd: 0.5 });
  });

  test("by default answers belong to the declared key: another key misses", async () => {
    const cache = new ResponseCache(new MemoryCacheStore(new ManualClock(0)));
    expect(await ask(cache, "alpha")).toBe("miss");
    expect(await ask(cache, "beta")).toBe("miss");
    expect(await ask(cache, "alpha")).toBe("hit");
  });

  test("a store that throws or rejects is a miss, and storing into it never fails the request", async () => {
    const throwing: ResponseCacheStore = {
      get: () => {
        throw new Error("down");
      },
      set: () => Promise.reject(new Error("down")),
      stats: () => ({ entries: 0, bytes: 0, evictions: 0, expirations: 0 }),
    };
    const cache = new ResponseCache(throwing);
    expect(await ask(cache, null)).toBe("miss");
    const rejecting = new ResponseCache({ ...throwing, get: () => Promise.reject(new Error("down")) });
    expect(await ask(rejecting, null)).toBe("miss");
  });

  test("an entry that does not read back as one (another version's, say) is a miss", async () => {
    const store = new MemoryCacheStore(new ManualClock(0));
    const cache = new ResponseCache(store);
    await ask(cache, null);
    const foreign: ResponseCacheStore = {
      ...store,
      get: () => '{"not":"an entry"}',
      set: () => {},
      stats: () => store.stats(),
    };
    expect(await ask(new ResponseCache(foreign), null)).toBe("miss");
  });
});

describe("stream fold", () => {
  const chunk = (content: string) => ({
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "a",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  });

  test("stops collecting once the text could never fit the store's bytes", () => {
    const fold = new StreamFold(100);
    fold.add(chunk("x".repeat(40)));
    expect(fold.dropped).toBe(false);
    fold.add(chunk("x".repeat(20))); // 60 characters: 120 bytes as the store charges them
    expect(fold.dropped).toBe(true);
  });

  test("folds content into one completion while it may be stored", () => {
    const fold = new StreamFold();
    fold.add(chunk("hel"));
    fold.add(chunk("lo"));
    expect(fold.completion().choices[0].message.content).toBe("hello");
  });
});
