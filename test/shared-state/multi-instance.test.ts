// Issue 12 over real HTTP: three gateways share one Redis. A quota is spent once across all of them
// (within the documented bound), a breaker that opens on one is open on all and is probed once per
// cool-down cluster-wide, and a Redis outage fails no client request.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { completionBody, json, mockUpstream, openaiError, type MockUpstream } from "../server/mock-upstream.ts";
import { clockAtNextMinute, startCluster, until } from "./cluster.ts";
import { describeWithRedis, startOwnedRedis, startRedis, type RedisServer } from "./redis-harness.ts";

const ok = (model: string) => json(completionBody(model, "ok"));

describeWithRedis("three gateways, one Redis", () => {
  let redis: RedisServer;
  const stops: (() => unknown)[] = [];
  beforeAll(async () => void (redis = await startRedis()));
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await redis.stop();
  });

  const providers = (a: MockUpstream, b: MockUpstream) =>
    `provider a { kind openai  base_url "${a.url}" }\nprovider b { kind openai  base_url "${b.url}" }\n`;

  // The bound (docs/state.md): `requests` units are leased from Redis before the requests they admit,
  // so the cluster serves at most the limit; at most N x lease units (3 x 10) stay leased but unspent.
  test("a 100/min quota under 600 round-robin requests serves at most 100 on its model; the rest fail over", async () => {
    const free = mockUpstream(() => json(completionBody("free", "free")));
    const paid = mockUpstream(() => json(completionBody("paid", "paid")));
    stops.push(free.stop, paid.stop);
    const cluster = await startCluster(
      redis.url,
      `${providers(free, paid)}model free { provider a  can [chat]  quota { requests 100/min } }\nmodel paid { provider b  can [chat] }\nroute chat { otherwise -> [free, paid] }\n`,
      3,
      "",
      clockAtNextMinute(),
    );
    stops.push(cluster.stop);
    const statuses: number[] = [];
    const served: string[] = []; // which upstream answered, in order (the reply's text)
    for (let i = 0; i < 600; i++) {
      const res = await cluster.chat(i % 3);
      statuses.push(res.status);
      served.push((await res.json()).choices?.[0]?.message?.content ?? "");
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // failovers while the quota still had units: requests that found no unit in hand on their instance
    const early = served.slice(0, served.lastIndexOf("free")).filter((m) => m === "paid").length;
    console.log(
      `quota: free served ${free.calls.length} of 600 (limit 100), paid ${paid.calls.length}, ${early} of them before free's last`,
    );
    expect(free.calls.length).toBeLessThanOrEqual(100);
    expect(free.calls.length).toBeGreaterThanOrEqual(100 - 3 * 10);
    expect(free.calls.length + paid.calls.length).toBe(600);
    const shared = await cluster.admin(1, "/admin/state");
    expect(shared.shared.quotas["model:free:requests:minute"]).toBe(100); // every unit leased
  });

  test("a breaker opened on one instance is open on the others within 100 ms, and one probe per cool-down cluster-wide", async () => {
    let failing = true;
    const flaky = mockUpstream(() => (failing ? openaiError(500, "down") : ok("flaky")));
    const backup = mockUpstream(() => ok("backup"));
    stops.push(flaky.stop, backup.stop);
    const cluster = await startCluster(
      redis.url,
      `${providers(flaky, backup)}model flaky { provider a  can [chat] }\nmodel backup { provider b  can [chat] }\nroute chat { otherwise -> [flaky, backup]  retry { attempts 1 }  breaker { failures 3  cooldown 1s  error_rate 0% } }\n`,
    );
    stops.push(cluster.stop);
    for (let i = 0; i < 3; i++) expect((await cluster.chat(0)).status).toBe(200);
    expect(flaky.calls.length).toBe(3);
    const phase = async (i: number) => (await cluster.admin(i, "/admin/state")).state.breakers.flaky?.phase;
    expect(await phase(0)).toBe("open");
    const tookMs = Math.max(
      await until(async () => (await phase(1)) === "open", 100, "open on gw-1"),
      await until(async () => (await phase(2)) === "open", 100, "open on gw-2"),
    );
    console.log(`breaker: open on all three ${tookMs.toFixed(1)} ms after the first saw it`);
    for (let i = 0; i < 30; i++) expect((await cluster.chat(i % 3)).status).toBe(200);
    expect(flaky.calls.length).toBe(3); // nobody sent it anything while open
    // after the cool-down every instance turns half-open; the probe lease lets exactly one probe through
    const opened = performance.now();
    await until(() => performance.now() - opened > 1100, 3000, "cool-down");
    for (let i = 0; i < 60; i++) expect((await cluster.chat(i % 3)).status).toBe(200);
    expect(flaky.calls.length).toBe(4); // one probe cluster-wide (it failed: the breaker re-opened)
    failing = false;
  });

  test("Redis killed mid-load: no client request fails, degraded shows, and the instances converge after it returns", async () => {
    const own = await startOwnedRedis();
    stops.push(own.stop);
    const free = mockUpstream(() => ok("free"));
    const paid = mockUpstream(() => ok("paid"));
    stops.push(free.stop, paid.stop);
    const cluster = await startCluster(
      own.url,
      `${providers(free, paid)}model free { provider a  can [chat]  quota { requests 1000/day } }\nmodel paid { provider b  can [chat] }\nroute chat { otherwise -> [free, paid] }\n`,
      3,
      "timeout 50ms  sync 20ms",
    );
    stops.push(cluster.stop);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await cluster.chat(i % 3)).status);
    await own.stop();
    for (let i = 0; i < 60; i++) statuses.push((await cluster.chat(i % 3)).status);
    await until(
      async () => (await (await fetch(`${cluster.gateways[0]!.url}/readyz`)).json()).shared_state === "degraded",
      2000,
      "degraded",
    );
    const metrics = await (await fetch(`${cluster.gateways[0]!.url}/metrics`)).text();
    expect(metrics).toContain("switchyard_shared_state_up 0");
    for (let i = 0; i < 60; i++) statuses.push((await cluster.chat(i % 3)).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(cluster.logs[0]!.some((l) => l.includes("shared_state_down"))).toBe(true);
    await own.restart();
    for (let i = 0; i < 3; i++)
      await until(async () => (await cluster.admin(i, "/admin/state")).shared.up === true, 3000, `gw-${i} up again`);
    // the usage counted while Redis was away was added back: every instance sees the same total
    const totals = await Promise.all(
      [0, 1, 2].map(async (i) => (await cluster.admin(i, "/admin/state")).shared.quotas["model:free:requests:day"]),
    );
    expect(new Set(totals).size).toBe(1);
    expect(totals[0]).toBeGreaterThanOrEqual(120);
    expect(cluster.logs[0]!.join("\n")).not.toContain(own.url.slice("redis://".length));
  });
});
