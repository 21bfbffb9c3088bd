// When Redis is not there, every operation fails quickly instead of queueing behind it: the
// gateway serves on local state meanwhile, and a call that never settles would hold a request.
import { expect, test } from "bun:test";
import { RedisSharedStore } from "../../src/state/shared/redis-store.ts";
import { describeWithRedis, freePort, startOwnedRedis } from "./redis-harness.ts";

test("an unreachable Redis rejects operations within the connect bound", async () => {
  const port = await freePort(); // nothing listens there
  const store = new RedisSharedStore({ url: `redis://127.0.0.1:${port}`, prefix: "t", connectTimeoutMs: 200 });
  const started = performance.now();
  const counter = { key: "model:m:requests:minute", windowStart: 0, windowEnd: 60_000, limit: 1 };
  await expect(store.take(counter, 1)).rejects.toThrow();
  await expect(store.ping()).rejects.toThrow();
  expect(performance.now() - started).toBeLessThan(2_000);
  await store.close();
});

describeWithRedis("redis store across an outage", () => {
  test("fails fast while Redis is down and works again once it is back", async () => {
    const redis = await startOwnedRedis();
    const store = new RedisSharedStore({ url: redis.url, prefix: "t", connectTimeoutMs: 200 });
    const counter = { key: "model:m:requests:minute", windowStart: 0, windowEnd: Date.now() + 60_000, limit: 10 };
    try {
      expect((await store.take(counter, 1)).granted).toBe(1);
      await redis.stop();
      const started = performance.now();
      await expect(store.take(counter, 1)).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(2_000);
      await redis.restart();
      expect((await store.take(counter, 1)).granted).toBe(1); // a fresh server: no persistence
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});
