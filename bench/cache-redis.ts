// `bun bench/cache-redis.ts`: what a response-cache hit costs from Redis next to one from memory,
// in-process, one machine run. It starts its own redis-server on a free loopback port and two
// gateways on the bench policy with `cache { ttl 10m }` (one with `shared_state` on that Redis, one
// without), fills each cache with one answer from an in-process upstream, then measures:
//   store get, one at a time     the store alone: a hit's lookup latency (memory: no promise at all)
//   gateway hit, one at a time   gateway.fetch of the cached request end to end (no HTTP client)
//   gateway hit, 64 in flight    the same with 64 concurrent requests (Bun pipelines Redis calls)
// Bounded: BENCH_HITS requests per row (default 5000), each row's median of BENCH_REPEAT (default 3)
// runs taken in turn. Run it pinned to one core (`taskset -c 1`) like everything else here.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { RedisCacheStore } from "../src/cache/redis-store.ts";
import { MemoryCacheStore } from "../src/cache/memory-store.ts";
import type { ResponseCacheStore } from "../src/cache/store.ts";
import { systemClock } from "../src/ports/system-clock.ts";
import { serve, type RunningGateway } from "../src/server/serve.ts";
import { benchPolicy, COMPLETION_JSON, requestBody } from "./lib/fixtures.ts";

const HITS = Number(process.env.BENCH_HITS ?? 5000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const IN_FLIGHT = 64;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", ""], {
    stdout: "pipe",
  });
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let log = "";
  while (!log.includes("Ready to accept connections")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`redis-server exited:\n${log}`);
    log += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  process.on("exit", () => child.kill("SIGKILL")); // also when a run fails
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill("SIGKILL") };
}

async function gateway(policy: string, env: Record<string, string>): Promise<RunningGateway> {
  const path = join(mkdtempSync(join(tmpdir(), "sy-bench-redis-")), "bench.route");
  writeFileSync(path, policy);
  return serve({ policyPath: path, port: 0, env: { get: (n) => env[n] }, log: () => {}, say: () => {} });
}

const request = (url: string) =>
  new Request(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: requestBody("chat", false),
  });

/** Mean µs per call of `one`, `HITS` calls with `inFlight` running at once. */
async function timed(inFlight: number, one: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < HITS) await one();
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return ((performance.now() - started) * 1000) / HITS;
}

/** Requests that were not hits: a Redis lookup slower than shared_state's `timeout` (50 ms) is a miss by design. */
const notHits = new Map<RunningGateway, number>();

async function hitOnce(g: RunningGateway): Promise<void> {
  const res = await g.gateway.fetch(request(g.url));
  await res.text();
  if (res.headers.get("x-switchyard-cache") !== "hit") notHits.set(g, (notHits.get(g) ?? 0) + 1);
}

async function main(): Promise<void> {
  const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(COMPLETION_JSON) });
  const redis = await startRedis();
  const policy = benchPolicy(`http://127.0.0.1:${upstream.port}/v1`).replace(
    "defaults {",
    "defaults {\n  cache { ttl 10m  max_entries 10k }",
  );
  const shared = `gateway { shared_state { redis env("REDIS_URL")  prefix "bench" } }\n`;
  const local = await gateway(policy, {});
  const remote = await gateway(shared + policy, { REDIS_URL: redis.url });
  for (const g of [local, remote]) await (await g.gateway.fetch(request(g.url))).text(); // the miss that fills it
  const place = { partition: "p", ttlMs: 600_000, maxEntries: 10, maxBytes: 1_000_000 };
  const stores: [string, ResponseCacheStore][] = [
    ["memory", new MemoryCacheStore(systemClock)],
    [
      "redis",
      new RedisCacheStore({ url: redis.url, prefix: "bench-store", clock: systemClock, lookupTimeoutMs: 1000 }),
    ],
  ];
  for (const [, s] of stores) await s.set("k", `{"costUsd":0,"answer":${COMPLETION_JSON}}`, place);
  const rows: [string, () => Promise<number>, () => Promise<number>][] = [
    [
      "store get, one at a time",
      () => timed(1, () => stores[0][1].get("p", "k")),
      () => timed(1, () => stores[1][1].get("p", "k")),
    ],
    ["gateway hit, one at a time", () => timed(1, () => hitOnce(local)), () => timed(1, () => hitOnce(remote))],
    [
      `gateway hit, ${IN_FLIGHT} in flight`,
      () => timed(IN_FLIGHT, () => hitOnce(local)),
      () => timed(IN_FLIGHT, () => hitOnce(remote)),
    ],
  ];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`${HITS} hits per run, medians of ${REPEAT} runs; load average ${loadavg()[0].toFixed(2)}`);
  console.log("| row | memory µs/hit | redis µs/hit | redis / memory |");
  console.log("| --- | --- | --- | --- |");
  for (const [name, mem, red] of rows) {
    await mem(); // warm-up
    await red();
    const m: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      m.push(await mem());
      r.push(await red());
    }
    const [mm, rr] = [median(m), median(r)];
    console.log(`| ${name} | ${mm.toFixed(1)} | ${rr.toFixed(1)} | ${(rr / mm).toFixed(1)}× |`);
  }
  console.log(
    `not hits (lookups past the bound, served as misses): memory ${notHits.get(local) ?? 0}, redis ${notHits.get(remote) ?? 0}`,
  );
  (stores[1][1] as RedisCacheStore).close();
  await Promise.all([local.stop(), remote.stop()]);
  upstream.stop(true);
  redis.stop();
}

try {
  await main();
} finally {
  process.exit(); // a failed run must not leave its servers holding the process open
}
