// `switchyard state show redis://…`: reads what a cluster stored under its prefix, and never takes
// or prints a password on the command line.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { runStateCli } from "../../src/state/cli.ts";
import { RedisSharedStore } from "../../src/state/shared/redis-store.ts";
import { describeWithRedis, startRedis, type RedisServer } from "./redis-harness.ts";

async function run(argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const code = await runStateCli(argv, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: (n) => env[n],
  });
  return { code, out, err };
}

describeWithRedis("state show redis://", () => {
  let redis: RedisServer;
  const prefix = `sytest:${process.pid}:show`;
  beforeAll(async () => {
    redis = await startRedis();
    const store = new RedisSharedStore({ url: redis.url, prefix });
    const start = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    await store.take(
      { key: "model:free:requests:day", windowStart: start, windowEnd: start + 86_400_000, limit: 100 },
      7,
    );
    await store.publishBreaker("flaky", { phase: "open", openedAt: Date.now(), by: "gw-1", at: Date.now() }, 60_000);
    const bucket = { start: Date.now(), ok: 3, fail: 1 };
    await store.putWindow(
      "free",
      {
        instance: "gw-2",
        at: Date.now(),
        bucketMs: 6000,
        buckets: [bucket],
        latencyEwmaMs: 120,
        ttftEwmaMs: null,
        tokensPerSecEwma: null,
      },
      60_000,
    );
    await store.claimSticky("chat#0:s-1", "free", 60_000);
    await store.close();
  });
  afterAll(async () => await redis.stop());

  test("shows breakers, quota totals, windows and sticky sessions under the prefix", async () => {
    const r = await run(["show", redis.url, "--prefix", prefix]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("flaky: open");
    expect(r.out).toContain("(by gw-1)");
    expect(r.out).toContain("model:free:requests:day: 7 used");
    expect(r.out).toContain("free: gw-2 1/4 failed, latency ~120 ms");
    expect(r.out).toContain("sticky sessions: 1");
    const json = JSON.parse(
      (await run(["show", "--redis-env", "R", "--prefix", prefix, "--json"], { R: redis.url })).out,
    );
    expect(json.breakers.flaky.phase).toBe("open");
    expect(Object.values(json.quotas["model:free:requests:day"])).toEqual([7]);
  });

  test("a password on the command line is refused without being printed; from the environment it is never printed", async () => {
    const secret = "hunter2-sy-secret";
    const withPassword = redis.url.replace("redis://", `redis://admin:${secret}@`);
    const refused = await run(["show", withPassword, "--prefix", prefix]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("--redis-env");
    const viaEnv = await run(["show", "--redis-env", "R", "--prefix", prefix], { R: withPassword });
    expect(viaEnv.code).toBe(2); // this Redis has no password: AUTH fails
    for (const r of [refused, viaEnv]) expect(r.out + r.err).not.toContain("hunter2");
  });

  test("without a prefix or a policy it says which to pass", async () => {
    const r = await run(["show", redis.url]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--prefix");
  });
});
