// The Redis cache store when Redis is slow or gone: a lookup that has not answered within its bound
// is a miss (on the injected clock: no waiting here), a failed call makes the store rest (lookups
// are immediate misses, writes are skipped) with one log line per outage, and one call per retry
// interval tries Redis again.
import { expect, test } from "bun:test";
import { createServer, type Socket } from "node:net";
import { RedisCacheStore } from "../../src/cache/redis-store.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { describeWithRedis, startOwnedRedis } from "../shared-state/redis-harness.ts";

const place = { partition: "chat#0", ttlMs: 600_000, maxEntries: 100, maxBytes: 1_000_000 };

test("a lookup Redis does not answer within the bound is a miss, and the bound is on the injected clock", async () => {
  // a server that accepts connections and never answers: the slowest Redis there is
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const port = (silent.address() as { port: number }).port;
  const clock = new ManualClock(0);
  const store = new RedisCacheStore({
    url: `redis://127.0.0.1:${port}`,
    prefix: "t",
    clock,
    lookupTimeoutMs: 20,
    connectTimeoutMs: 60_000,
  });
  try {
    let settled: string | null | undefined;
    const lookup = Promise.resolve(store.get("chat#0", "k")).then((v) => (settled = v));
    await clock.advance(19);
    expect(settled).toBeUndefined();
    await clock.advance(1);
    await lookup;
    expect(settled).toBeNull();
    expect(store.slowLookups).toBe(1);
    expect(store.stats()).toEqual({ entries: 0, bytes: 0, evictions: 0, expirations: 0 });
  } finally {
    store.close();
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

describeWithRedis("redis cache store across an outage", () => {
  test("misses while Redis is down, logs it once, and serves again after the retry interval once it is back", async () => {
    const redis = await startOwnedRedis();
    const clock = new ManualClock(0);
    const events: string[] = [];
    const store = new RedisCacheStore({
      url: redis.url,
      prefix: "t",
      clock,
      lookupTimeoutMs: 60_000,
      connectTimeoutMs: 500,
      retryMs: 1000,
      log: (event, detail) => void events.push(`${event} ${JSON.stringify(detail)}`),
    });
    try {
      await store.set("k", "answer", place);
      expect(await store.get("chat#0", "k")).toBe("answer");
      await redis.stop();
      expect(await store.get("chat#0", "k")).toBeNull(); // the call that finds Redis gone
      expect(store.up).toBe(false);
      for (let i = 0; i < 50; i++) {
        expect(store.get("chat#0", "k")).toBeNull(); // resting: a miss without even a promise
        expect(store.set(`k${i}`, "x", place)).toBeUndefined();
      }
      expect(events).toHaveLength(1);
      expect(events[0]).toStartWith("cache_store_down ");
      expect(events[0]).not.toContain(String(redis.port));

      await redis.restart();
      expect(store.get("chat#0", "k")).toBeNull(); // still resting: no call before the interval
      await clock.advance(1000);
      expect(await store.get("chat#0", "k")).toBeNull(); // reaches the fresh (empty) server
      expect(store.up).toBe(true);
      expect(events).toHaveLength(2);
      expect(events[1]).toBe("cache_store_up {}");
      await store.set("k", "again", place);
      expect(await store.get("chat#0", "k")).toBe("again");
    } finally {
      store.close();
      await redis.stop();
    }
  });
});
