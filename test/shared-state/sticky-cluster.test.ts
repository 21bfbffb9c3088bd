// Issue 12 over real HTTP: a sticky session is served by the same model whichever of three
// gateways sharing one Redis gets it, including after a failover moved it on one of them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { completionBody, json, mockUpstream, openaiError } from "../server/mock-upstream.ts";
import { startCluster, until, type Cluster } from "./cluster.ts";
import { describeWithRedis, startRedis, type RedisServer } from "./redis-harness.ts";

describeWithRedis("sticky sessions across three gateways", () => {
  let redis: RedisServer;
  let inspector: RedisClient;
  const stops: (() => unknown)[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    inspector = new RedisClient(redis.url);
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    inspector.close();
    await redis.stop();
  });

  /** The model the cluster's store pins `session` to (the key ends with the session value). */
  const storedPin = async (cluster: Cluster, session: string): Promise<string | null> => {
    const keys = (await inspector.send("KEYS", [`${cluster.prefix}:s:*:${session}`])) as string[];
    return keys.length === 1 ? await inspector.get(keys[0]!) : null;
  };
  const servedBy = async (cluster: Cluster, i: number, session: string): Promise<string> => {
    const r = await cluster.chat(i, { "x-session": session });
    expect(r.status).toBe(200);
    return ((await r.json()) as { model: string }).model;
  };

  test("a session moved by a failover on one instance is served by its new model on every instance", async () => {
    let firstFails = false;
    const first = mockUpstream(() => (firstFails ? openaiError(500, "down") : json(completionBody("first", "ok"))));
    const second = mockUpstream(() => json(completionBody("second", "ok")));
    stops.push(first.stop, second.stop);
    const cluster = await startCluster(
      redis.url,
      `provider a { kind openai  base_url "${first.url}" }\nprovider b { kind openai  base_url "${second.url}" }\n` +
        `model first { provider a  can [chat] }\nmodel second { provider b  can [chat] }\n` +
        `route chat { otherwise -> sticky(header "x-session") [first, second]  retry { attempts 1 } }\n`,
      3,
      "sync 50ms",
    );
    stops.push(cluster.stop);
    // s-1 starts on gw-0 while `first` fails: the failover pins it to `second`
    firstFails = true;
    expect(await servedBy(cluster, 0, "s-1")).toBe("second");
    firstFails = false;
    await until(async () => (await storedPin(cluster, "s-1")) === "second", 1000, "pin stored");
    // the other instances never saw s-1; `first` is healthy again, yet they keep the session on `second`
    for (let i = 0; i < 9; i++) expect(await servedBy(cluster, i % 3, "s-1")).toBe("second");
    // s-2 starts on `first` everywhere, then a failover on gw-2 moves it: gw-0 and gw-1 follow
    for (let i = 0; i < 3; i++) expect(await servedBy(cluster, i, "s-2")).toBe("first");
    firstFails = true;
    expect(await servedBy(cluster, 2, "s-2")).toBe("second");
    firstFails = false;
    await until(async () => (await storedPin(cluster, "s-2")) === "second", 1000, "moved pin stored");
    const moved = performance.now();
    await until(() => performance.now() - moved > 60, 1000, "one sync interval (the staleness bound)");
    for (let i = 0; i < 9; i++) expect(await servedBy(cluster, i % 3, "s-2")).toBe("second");
    expect(second.calls.length).toBe(1 + 9 + 1 + 9);
  });
});
