// When Redis is not there, every operation fails quickly instead of queueing behind it: the
// gateway serves on local state meanwhile (quotas counted per instance), and a call that never
// settles would hold a request.
import { expect, test } from "bun:test";
import { RedisSharedStore } from "../../src/state/shared/redis-store.ts";
import { completionBody, json, mockUpstream } from "../server/mock-upstream.ts";
import { clockAtNextMinute, startCluster } from "./cluster.ts";
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

test("with Redis unreachable a gateway keeps its `requests` quota locally and fails no request", async () => {
  const url = `redis://127.0.0.1:${await freePort()}`; // nothing listens there
  const free = mockUpstream(() => json(completionBody("free", "ok")));
  const paid = mockUpstream(() => json(completionBody("paid", "ok")));
  const cluster = await startCluster(
    url,
    `provider a { kind openai  base_url "${free.url}" }\nprovider b { kind openai  base_url "${paid.url}" }\nmodel free { provider a  can [chat]  quota { requests 5/min } }\nmodel paid { provider b  can [chat] }\nroute chat { otherwise -> [free, paid] }\n`,
    1,
    "lease 2",
    clockAtNextMinute(),
  );
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await cluster.chat(0)).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect([free.calls.length, paid.calls.length]).toEqual([5, 7]); // the local quota, exactly
    const ready = await (await fetch(`${cluster.gateways[0]!.url}/readyz`)).json();
    expect(ready.shared_state).toBe("degraded");
    expect(cluster.logs[0]!.some((l) => l.includes("shared_state_down"))).toBe(true);
  } finally {
    await cluster.stop();
    await free.stop();
    await paid.stop();
  }
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
