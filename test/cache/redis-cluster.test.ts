// The shared response cache over real HTTP: two gateways (serve(), 127.0.0.1) with `shared_state`
// on one Redis in front of one mock upstream. An answer bought through one instance is a hit on the
// other, a caller never sees another caller's answer through either, and with Redis killed every
// request is still answered (as a miss), with one log line per instance for the outage.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { completionBody, json, mockUpstream, type MockUpstream } from "../server/mock-upstream.ts";
import { startCluster, until, type Cluster } from "../shared-state/cluster.ts";
import { describeWithRedis, startOwnedRedis, type RedisServer } from "../shared-state/redis-harness.ts";

const policy = (up: MockUpstream) =>
  `provider a { kind openai  base_url "${up.url}" }
model m { provider a  can [chat] }
defaults { cache { ttl 10m  max_entries 1k } }
route chat { otherwise -> [m] }
`;

const as = (tenant: string) => ({ authorization: `Bearer ${tenant}` });

async function answer(res: Response): Promise<{ status: number; cache: string | null; text: string }> {
  const body = await res.json();
  return {
    status: res.status,
    cache: res.headers.get("x-switchyard-cache"),
    text: body.choices?.[0]?.message?.content,
  };
}

describeWithRedis("two gateways, one Redis, one response cache", () => {
  let redis: RedisServer;
  let up: MockUpstream;
  let cluster: Cluster;
  beforeAll(async () => {
    redis = await startOwnedRedis(); // this file kills it
    up = mockUpstream((n) => json(completionBody("m", `answer ${n}`)));
    // a lookup bound well above loopback replies on a busy test machine: a slow reply must not turn a hit into a miss here
    cluster = await startCluster(redis.url, policy(up), 2, "timeout 2s");
  });
  afterAll(async () => {
    await cluster.stop();
    up.stop();
    await redis.stop();
  });

  const entries = async (i: number): Promise<number> => (await cluster.admin(i, "/admin/state")).cache.entries;

  test("an answer bought through one instance is a hit on the other, for the same caller only", async () => {
    expect(await answer(await cluster.chat(0, as("tenant-a")))).toEqual({
      status: 200,
      cache: "miss",
      text: "answer 0",
    });
    await until(async () => (await entries(0)) === 1, 5_000, "the entry stored in Redis"); // the store is fire-and-forget
    expect(await answer(await cluster.chat(1, as("tenant-a")))).toEqual({
      status: 200,
      cache: "hit",
      text: "answer 0",
    });
    expect(up.calls).toHaveLength(1);

    expect(await answer(await cluster.chat(1, as("tenant-b")))).toEqual({
      status: 200,
      cache: "miss",
      text: "answer 1",
    });
    await until(async () => (await entries(1)) === 2, 5_000, "tenant-b's entry stored");
    expect(await answer(await cluster.chat(0, as("tenant-b")))).toEqual({
      status: 200,
      cache: "hit",
      text: "answer 1",
    });
    expect(await answer(await cluster.chat(0, as("tenant-a")))).toEqual({
      status: 200,
      cache: "hit",
      text: "answer 0",
    });
    expect(up.calls).toHaveLength(2);

    const [a, b] = [await cluster.admin(0, "/admin/state"), await cluster.admin(1, "/admin/state")];
    expect(a.cache).toMatchObject({ hits: 2, misses: 1, entries: 2 }); // each instance counts its own lookups
    expect(b.cache).toMatchObject({ hits: 1, misses: 1, entries: 2 });
  });

  test("with Redis killed every request is still answered, as a miss, and each instance logs the outage once", async () => {
    await redis.stop();
    const before = up.calls.length;
    for (let i = 0; i < 10; i++) {
      const got = await answer(await cluster.chat(i % 2, as("tenant-a")));
      expect(got.status).toBe(200);
      expect(got.cache).toBe("miss");
    }
    expect(up.calls.length).toBe(before + 10);
    for (const log of cluster.logs) {
      const down = log.filter((line) => JSON.parse(line).event === "cache_store_down");
      expect(down).toHaveLength(1);
      expect(down[0]).not.toContain(String(redis.port)); // the reason, never the URL
    }
  });
});
