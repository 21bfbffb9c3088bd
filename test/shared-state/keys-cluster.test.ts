// Issue 12 with issue 13's keys: a declared key's limits and its team's budget are one account
// across the instances sharing a Redis, so a client cannot spend a limit once per instance by being
// spread over them. Three gateways over real HTTP; what one instance booked reaches the others.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { completionBody, json, mockUpstream } from "../server/mock-upstream.ts";
import { startCluster, until, type Cluster } from "./cluster.ts";
import { describeWithRedis, startRedis, type RedisServer } from "./redis-harness.ts";

const SECRET = "sy-team-a-Wq2Er4Ty6Ui8Op0A";

describeWithRedis("declared keys across three gateways", () => {
  let redis: RedisServer;
  const stops: (() => unknown)[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await redis.stop();
  });

  /** What instance `i` believes the key has used of its `requests` limit in this window. */
  const usedOn = async (cluster: Cluster, i: number): Promise<number> => {
    const view = (await cluster.admin(i, "/admin/keys")) as {
      keys: { name: string; limits: { metric: string; used: number }[] }[];
    };
    return view.keys.find((k) => k.name === "team-a")!.limits.find((l) => l.metric === "requests")!.used;
  };

  test("a key's requests limit is spent once for the cluster, not once per instance", async () => {
    const up = mockUpstream(() => json(completionBody("m", "ok")));
    stops.push(up.stop);
    const cluster = await startCluster(
      redis.url,
      `provider p { kind openai  base_url "${up.url}" }\nmodel m { provider p  can [chat] }\n` +
        `route chat { otherwise -> [m] }\nkey team-a { secret env("TEAM_A")  limit { requests 6/hour } }\n`,
      3,
      "sync 50ms",
      undefined,
      { TEAM_A: SECRET },
    );
    stops.push(cluster.stop);
    const auth = { authorization: `Bearer ${SECRET}` };
    for (let n = 0; n < 4; n++) expect((await cluster.chat(0, auth)).status).toBe(200);
    await until(async () => (await usedOn(cluster, 1)) >= 4, 2000, "gw-1 sees gw-0's four requests");
    for (let n = 0; n < 2; n++) expect((await cluster.chat(1, auth)).status).toBe(200);
    const refused = await cluster.chat(1, auth);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
    await until(async () => (await usedOn(cluster, 2)) >= 6, 2000, "gw-2 sees the six");
    expect((await cluster.chat(2, auth)).status).toBe(429);
    expect(up.calls.length).toBe(6); // without sharing, each instance would have let six through
  });
});
