// `bun bench/cache-http.ts`: the response cache over HTTP under wrk, against the thin proxy, on
// one machine run. Two Switchyard servers on the bench policy, one with `cache { ttl 10m }` in its
// defaults and one without, plus the mock upstream and the thin proxy; all servers on core 0,
// wrk on core 1 (bench/run.ts's setup). Rows, each BENCH_REPEAT runs of BENCH_SECONDS taken in
// turn across the targets (so a busy moment hits all of them alike), medians shown:
//   thin-proxy         the same body every time: the floor of any Bun gateway's round trip
//   cache off          a new prompt every request (wrk's Lua numbers them)
//   cache off (again)  a second, identical server: how far two like servers differ (the A/A control)
//   cache on, 0% hits  the same new prompts: every request a miss that is stored (the cost of missing)
//   … 1k entries       the same with `max_entries 1k`: the miss path with little held (what holding costs)
//   cache on, hits     the same body every time: every request after the first is a hit
// Targets: cache on with 0% hits within 5% of cache off RPS, and a hit faster than the thin proxy.
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchPolicy, requestBody } from "./lib/fixtures.ts";
import { cpuMs, rssMb, startServer, stopAll, which } from "./lib/processes.ts";
import { runWrk, wrkScript, type WrkResult } from "./lib/wrk.ts";

const ROOT = join(import.meta.dir, "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

/** A wrk script whose every request carries a prompt no earlier request had (per wrk thread, seeded apart). */
function freshPromptScript(body: string): string {
  const [head, tail] = body.split("five words.");
  const path = join(mkdtempSync(join(tmpdir(), "sy-bench-")), "fresh.lua");
  writeFileSync(
    path,
    `local n = 0
local id = 0
setup = function(thread) id = id + 1; thread:set("tid", id) end
init = function() n = 0 end
request = function()
  n = n + 1
  local body = ${JSON.stringify(head)} .. "five words, take " .. tid .. "-" .. n .. "." .. ${JSON.stringify(tail)}
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench" }, body)
end
`,
  );
  return path;
}

async function serve(policy: string): Promise<{ url: string; pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), "sy-bench-cache-"));
  writeFileSync(join(dir, "bench.route"), policy);
  const sy = await startServer(
    ROOT,
    ["bun", "src/cli/main.ts", "serve", join(dir, "bench.route"), "--port", "0"],
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    "stderr",
    join(dir, "requests.log"),
  );
  return { url: `http://127.0.0.1:${sy.port}/v1/chat/completions`, pid: sy.proc.pid };
}

type Run = WrkResult & { cpuUs: number };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<number> {
  if (!which("wrk")) {
    console.error("bench needs wrk: apt-get install -y wrk");
    return 2;
  }
  console.error(`load average ${loadavg()[0].toFixed(2)} at start`);
  const upstream = await startServer(ROOT, ["bun", "bench/mock-upstream.ts", "0"], /ready (\d+)/, "stdout");
  const base = `http://127.0.0.1:${upstream.port}/v1`;
  const thin = await startServer(ROOT, ["bun", "bench/thin-proxy.ts", "0", base], /ready (\d+)/, "stdout");
  const plain = benchPolicy(base);
  const off = await serve(plain);
  const offAgain = await serve(plain);
  const cached = (entries: string) =>
    plain.replace("defaults {", `defaults {\n  cache { ttl 10m  max_entries ${entries} }`);
  const on = await serve(cached("10k"));
  const small = await serve(cached("1k"));
  const same = (model: string) => wrkScript(requestBody(model, false));
  const fresh = freshPromptScript(requestBody("chat", false));
  const targets = [
    {
      name: "thin-proxy",
      url: `http://127.0.0.1:${thin.port}/v1/chat/completions`,
      pid: thin.proc.pid,
      script: same("bench-model"),
    },
    { name: "cache off", ...off, script: fresh },
    { name: "cache off (again)", ...offAgain, script: fresh },
    { name: "cache on, 0% hits", ...on, script: fresh },
    { name: "… 1k entries", ...small, script: fresh },
    { name: "cache on, hits", ...on, script: same("chat") },
  ];
  const runs = new Map<string, Run[]>(targets.map((t) => [t.name, []]));
  for (const t of targets) runWrk(t.url, CONNECTIONS, 2, t.script); // warm-up: JIT, pools, the first miss
  for (let i = 0; i < REPEAT; i++) {
    for (const t of i % 2 === 0 ? targets : [...targets].reverse()) {
      const before = cpuMs(t.pid);
      const r = runWrk(t.url, CONNECTIONS, SECONDS, t.script);
      if (r.non2xx > 0) console.error(`warning: ${r.non2xx} non-2xx responses from ${t.name}`);
      runs.get(t.name)!.push({ ...r, cpuUs: ((cpuMs(t.pid) - before) * 1000) / r.requests });
    }
  }
  const row = async (name: string) => {
    const rs = runs.get(name)!;
    return {
      name,
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50ms)),
      cpu: median(rs.map((r) => r.cpuUs)),
      rss: (await rssMb(targets.find((t) => t.name === name)!.pid)) ?? Number.NaN,
    };
  };
  const rows = await Promise.all(targets.map((t) => row(t.name)));
  console.log(
    `${CONNECTIONS} connections, ${REPEAT} × ${SECONDS}s runs, medians; load average ${loadavg()[0].toFixed(2)} at end`,
  );
  console.log("| target | rps | p50 ms | cpu µs/req | rss MB |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.cpu.toFixed(1)} | ${r.rss.toFixed(0)} |`,
    );
  const metrics = await (await fetch(on.url.replace("/v1/chat/completions", "/metrics"))).text();
  const counter = (name: string) => new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? "?";
  console.log(
    `cache-on server: ${counter("switchyard_cache_hits_total")} hits, ${counter("switchyard_cache_misses_total")} misses, ${counter("switchyard_cache_evictions_total")} evictions`,
  );
  const [thinRow, offRow, againRow, missRow, smallRow, hitRow] = rows;
  const ratios = (name: string) => median(runs.get("cache off")!.map((o, i) => runs.get(name)![i].rps / o.rps));
  console.log(
    `0% hits / off, RPS: ${(missRow.rps / offRow.rps).toFixed(3)} (median of per-round ratios ${ratios("cache on, 0% hits").toFixed(3)}); target ≥ 0.95`,
  );
  console.log(
    `A/A control, off again / off, RPS: ${(againRow.rps / offRow.rps).toFixed(3)} (per-round ${ratios("cache off (again)").toFixed(3)})`,
  );
  console.log(
    `0% hits with 1k entries / off, RPS: ${(smallRow.rps / offRow.rps).toFixed(3)} (per-round ${ratios("… 1k entries").toFixed(3)})`,
  );
  console.log(
    `hit p50 ${hitRow.p50.toFixed(3)} ms vs thin proxy ${thinRow.p50.toFixed(3)} ms; hit RPS / thin ${(hitRow.rps / thinRow.rps).toFixed(2)}`,
  );
  return 0;
}

try {
  process.exitCode = await main();
} finally {
  stopAll();
}
