// Issue 12 over real HTTP: error-rate windows are merged across three gateways sharing one Redis,
// so failures spread thinly over the instances still open the breaker's error-rate rule.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { completionBody, json, mockUpstream, openaiError } from "../server/mock-upstream.ts";
import { startCluster, until } from "./cluster.ts";
import { describeWithRedis, startRedis, type RedisServer } from "./redis-harness.ts";

describeWithRedis("error-rate windows across three gateways", () => {
  let redis: RedisServer;
  const stops: (() => unknown)[] = [];
  beforeAll(async () => void (redis = await startRedis()));
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await redis.stop();
  });

  test("failures no single instance has enough of to count open the error-rate rule on the merged window", async () => {
    const flaky = mockUpstream(() => openaiError(500, "down"));
    const backup = mockUpstream(() => json(completionBody("backup", "ok")));
    stops.push(flaky.stop, backup.stop);
    const cluster = await startCluster(
      redis.url,
      `provider a { kind openai  base_url "${flaky.url}" }\nprovider b { kind openai  base_url "${backup.url}" }\n` +
        `model flaky { provider a  can [chat] }\nmodel backup { provider b  can [chat] }\n` +
        `route chat { otherwise -> [flaky, backup]  retry { attempts 1 }  breaker { failures 1000  error_rate 50%  min_requests 20  window 60s  cooldown 60s } }\n`,
      3,
      "sync 20ms",
    );
    stops.push(cluster.stop);
    // at most 10 failures on each instance: under min_requests locally, 30 across the cluster
    for (let i = 0; i < 30; i++) expect((await cluster.chat(i % 3)).status).toBe(200);
    const phase = async (i: number) => (await cluster.admin(i, "/admin/state")).state.breakers.flaky?.phase;
    // A breaker's rules are judged when its instance records a failure, so an instance whose last
    // failure came before the others' counts reached it opens at its next one: one more request each.
    const merged = performance.now();
    await until(() => performance.now() - merged > 100, 1000, "a few sync ticks");
    for (let i = 0; i < 3; i++) {
      if ((await phase(i)) !== "open") expect((await cluster.chat(i)).status).toBe(200);
      await until(async () => (await phase(i)) === "open", 3000, `open on gw-${i}`);
    }
    const calls = flaky.calls.length;
    console.log(`windows: the merged error rate opened the breaker after ${calls} failures across three instances`);
    expect(calls).toBeGreaterThanOrEqual(20);
    for (let i = 0; i < 9; i++) expect((await cluster.chat(i % 3)).status).toBe(200);
    expect(flaky.calls.length).toBe(calls);
    // the others' counts are laid over this instance's own, never counted twice, however many ticks pass
    const seen = async (i: number): Promise<number> => {
      const w = (await cluster.admin(i, "/admin/state")).state.windows.flaky;
      return (w?.buckets ?? []).reduce((n: number, b: { ok: number; fail: number }) => n + b.ok + b.fail, 0);
    };
    const ticked = performance.now();
    await until(() => performance.now() - ticked > 100, 1000, "a few sync ticks");
    for (let i = 0; i < 3; i++) expect(await seen(i)).toBe(calls);
  });
});
