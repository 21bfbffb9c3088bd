// `bun run bench`: HTTP load benchmark. Starts a fixed mock upstream, a thin reference proxy
// (Bun.serve + fetch) and Switchyard on 127.0.0.1, drives the same wrk load at each, and prints
// RPS, p50, p99, the server process's CPU time per request and ratios to direct and to the thin
// proxy, then checks the performance targets. Switchyard is measured at two front doors, chat
// completions, Anthropic Messages (`switchyard-messages`) and OpenAI Responses (`switchyard-responses`), on the same process,
// and each feature variant of bench/lib/variants.ts (`switchyard-keys`: 100 declared keys) on a process of its own.
// Servers are pinned to core 0 and wrk to core 1 so
// ratios mean relative CPU cost. Only processes this run started are stopped.
//   bun bench/run.ts            HTTP bench (BENCH_REPEAT runs of BENCH_SECONDS per cell, medians; 3 × 3 s)
// The pair sy-local-state / sy-redis-state runs the same policy with a quota, kept locally or in a
// redis-server this run starts (pinned to core 0 with the servers), for the shared-state target.
//   bun bench/run.ts --micro    the mitata microbenchmarks instead (bench/micro.ts)
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchPolicy, messagesBody, requestBody, responsesBody } from "./lib/fixtures.ts";
import { cpuMs, rssMb, startServer, stopAll, which } from "./lib/processes.ts";
import { quotaPolicy, startBenchRedis } from "./lib/shared-state.ts";
import { VARIANTS } from "./lib/variants.ts";
import { runWrk, wrkScript, type WrkResult } from "./lib/wrk.ts";

const ROOT = join(import.meta.dir, "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Measured runs per cell; the row shows their medians, so one noisy moment does not decide it. */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const WARMUP_SECONDS = 2;
const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

type Mode = "non-stream" | "stream";
interface Row extends WrkResult {
  target: string;
  mode: Mode;
  connections: number;
  cpuUsPerRequest: number;
  vsDirect: number;
  vsThin: number;
}

async function main(): Promise<number> {
  if (!which("wrk")) {
    console.error("bench needs wrk: apt-get install -y wrk");
    return 2;
  }
  const load = loadavg()[0];
  if (load > 0.5)
    console.error(`warning: load average is ${load.toFixed(2)}; other work on this machine will move the numbers`);
  const upstream = await startServer(ROOT, ["bun", "bench/mock-upstream.ts", "0"], /ready (\d+)/, "stdout");
  const upstreamBase = `http://127.0.0.1:${upstream.port}/v1`;
  const thin = await startServer(ROOT, ["bun", "bench/thin-proxy.ts", "0", upstreamBase], /ready (\d+)/, "stdout");
  const dir = mkdtempSync(join(tmpdir(), "sy-bench-policy-"));
  const policyPath = join(dir, "bench.route");
  writeFileSync(policyPath, benchPolicy(upstreamBase));
  const requestLog = join(dir, "requests.log");
  const sy = await startServer(
    ROOT,
    ["bun", "src/cli/main.ts", "serve", policyPath, "--port", "0"],
    LISTENING,
    "stderr",
    requestLog,
  );
  // the shared-state pair: the same policy with a quota, local state vs Redis (issue 12)
  const redis = await startBenchRedis(ROOT);
  process.env.REDIS_URL = redis.url; // the policy reads it with env(), as a deployment would
  const serveWith = async (name: string, text: string) => {
    const path = join(dir, `${name}.route`);
    writeFileSync(path, text);
    const argv = ["bun", "src/cli/main.ts", "serve", path, "--port", "0"];
    return startServer(ROOT, argv, /listening on http:\/\/127\.0\.0\.1:(\d+)/, "stderr", join(dir, `${name}.log`));
  };
  const local = await serveWith("local-state", quotaPolicy(benchPolicy(upstreamBase), false));
  const shared = await serveWith("redis-state", quotaPolicy(benchPolicy(upstreamBase), true));

  const targets: {
    name: string;
    url: string;
    pid: number;
    model: string;
    body?: (model: string, stream: boolean) => string;
    token?: string;
  }[] = [
    { name: "direct", url: `${upstreamBase}/chat/completions`, pid: upstream.proc.pid, model: "bench-model" },
    {
      name: "thin-proxy",
      url: `http://127.0.0.1:${thin.port}/v1/chat/completions`,
      pid: thin.proc.pid,
      model: "bench-model",
    },
    { name: "switchyard", url: `http://127.0.0.1:${sy.port}/v1/chat/completions`, pid: sy.proc.pid, model: "chat" },
    {
      name: "switchyard-messages",
      url: `http://127.0.0.1:${sy.port}/v1/messages`,
      pid: sy.proc.pid,
      model: "chat",
      body: messagesBody,
    },
    {
      name: "switchyard-responses",
      url: `http://127.0.0.1:${sy.port}/v1/responses`,
      pid: sy.proc.pid,
      model: "chat",
      body: responsesBody,
    },
    {
      name: "sy-local-state",
      url: `http://127.0.0.1:${local.port}/v1/chat/completions`,
      pid: local.proc.pid,
      model: "chat",
    },
    {
      name: "sy-redis-state",
      url: `http://127.0.0.1:${shared.port}/v1/chat/completions`,
      pid: shared.proc.pid,
      model: "chat",
    },
  ];
  for (const v of VARIANTS) {
    const path = join(dir, `${v.name}.route`);
    writeFileSync(path, v.policy(upstreamBase));
    const argv = ["bun", "src/cli/main.ts", "serve", path, "--port", "0"];
    const server = await startServer(ROOT, argv, LISTENING, "stderr", join(dir, `${v.name}.log`), v.env);
    const url = `http://127.0.0.1:${server.port}/v1/chat/completions`;
    targets.push({ name: `switchyard-${v.name}`, url, pid: server.proc.pid, model: "chat", token: v.token });
  }
  const rows: Row[] = [];
  let switchyardRequests = 0;
  for (const mode of ["non-stream", "stream"] as const) {
    for (const connections of [1, 64]) {
      const results = new Map<string, WrkResult & { cpuUsPerRequest: number }>();
      const scripts = targets.map((t) => wrkScript((t.body ?? requestBody)(t.model, mode === "stream"), t.token));
      const runs = targets.map(() => [] as (WrkResult & { cpuUsPerRequest: number })[]);
      targets.forEach((t, k) => {
        const warm = runWrk(t.url, connections, WARMUP_SECONDS, scripts[k]!); // JIT, connection pools; discarded
        if (t.pid === sy.proc.pid) switchyardRequests += warm.requests;
      });
      // runs interleaved across targets, so a noisy moment on the shared machine hits them alike
      for (let i = 0; i < REPEAT; i++) {
        targets.forEach((t, k) => {
          const before = cpuMs(t.pid);
          const r = runWrk(t.url, connections, SECONDS, scripts[k]!);
          runs[k]!.push({ ...r, cpuUsPerRequest: ((cpuMs(t.pid) - before) * 1000) / r.requests });
          if (r.non2xx > 0) console.error(`warning: ${r.non2xx} non-2xx responses from ${t.name}`);
          if (t.pid === sy.proc.pid) switchyardRequests += r.requests;
        });
      }
      targets.forEach((t, k) => results.set(t.name, medianRun(runs[k]!)));
      const direct = results.get("direct")!;
      const thinResult = results.get("thin-proxy")!;
      for (const t of targets) {
        const r = results.get(t.name)!;
        rows.push({
          target: t.name,
          mode,
          connections,
          ...r,
          vsDirect: r.rps / direct.rps,
          vsThin: r.rps / thinResult.rps,
        });
      }
    }
  }
  const rss = await rssMb(sy.proc.pid);
  // SIGTERM drains and flushes the batched request log, so every line is on disk before we count.
  sy.proc.kill("SIGTERM");
  await sy.proc.exited;
  const logLines = readFileSync(requestLog, "utf8")
    .split("\n")
    .filter((l) => l.includes('"event":"request"')).length;

  printTable(rows);
  const checks = verdicts(rows, rss);
  console.log("");
  for (const c of checks) console.log(`${c.met ? "met   " : "MISSED"}  ${c.name}: ${c.value}`);
  console.log(`        request log: ${logLines} lines for ${switchyardRequests} completed requests (logging stays on)`);
  console.log(`        CPU µs/request is the server process alone; the mock upstream shares core 0 in every row`);

  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? "?"}`;
  const out = {
    machine,
    bun: Bun.version,
    seconds: SECONDS,
    repeat: REPEAT,
    loadAverageAtStart: load,
    switchyardRssMb: rss,
    logLines,
    switchyardRequests,
    rows,
    checks,
  };
  writeFileSync(join(ROOT, "bench/results/http.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(`\nmachine: ${machine}; JSON saved to bench/results/http.json`);
  return 0;
}

function medianRun<T extends WrkResult & { cpuUsPerRequest: number }>(runs: T[]): T {
  const median = (pick: (r: T) => number): number => {
    const xs = runs.map(pick).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  return {
    ...runs[0]!,
    rps: median((r) => r.rps),
    p50ms: median((r) => r.p50ms),
    p99ms: median((r) => r.p99ms),
    cpuUsPerRequest: median((r) => r.cpuUsPerRequest),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
  };
}

interface Check {
  name: string;
  value: string;
  met: boolean;
}

function verdicts(rows: Row[], rss: number | null): Check[] {
  const find = (target: string, mode: Mode, connections: number) =>
    rows.find((r) => r.target === target && r.mode === mode && r.connections === connections)!;
  const checks: Check[] = [];
  for (const mode of ["non-stream", "stream"] as const) {
    const [sy64, thin64, sy1, thin1] = [
      find("switchyard", mode, 64),
      find("thin-proxy", mode, 64),
      find("switchyard", mode, 1),
      find("thin-proxy", mode, 1),
    ];
    checks.push({
      name: `${mode} RPS at 64 connections ≥ 90% of thin proxy`,
      value: `${(sy64.vsThin * 100).toFixed(1)}%`,
      met: sy64.vsThin >= 0.9,
    });
    const added = sy1.p50ms - thin1.p50ms;
    checks.push({
      name: `${mode} added median latency at 1 connection ≤ 0.030 ms`,
      value: `${added.toFixed(3)} ms`,
      met: added <= 0.03,
    });
    const p99 = sy64.p99ms / thin64.p99ms;
    checks.push({
      name: `${mode} p99 at 64 connections < 1.5× thin proxy`,
      value: `${p99.toFixed(2)}×`,
      met: p99 < 1.5,
    });
    for (const door of ["messages", "responses"]) {
      const share = find(`switchyard-${door}`, mode, 64).rps / sy64.rps;
      checks.push({
        name: `${mode} /v1/${door} RPS at 64 connections ≥ 90% of /v1/chat/completions`,
        value: `${(share * 100).toFixed(1)}%`,
        met: share >= 0.9,
      });
    }
    for (const v of VARIANTS) {
      const share = find(`switchyard-${v.name}`, mode, 64).rps / sy64.rps;
      checks.push({
        name: `${mode} ${v.label}: RPS at 64 connections ≥ ${v.minShare * 100}% of the same policy without`,
        value: `${(share * 100).toFixed(1)}%`,
        met: share >= v.minShare,
      });
    }
  }
  for (const mode of ["non-stream", "stream"] as const) {
    const ratio = find("sy-redis-state", mode, 64).rps / find("sy-local-state", mode, 64).rps;
    checks.push({
      name: `${mode} RPS at 64 connections with Redis shared state ≥ 90% of local state`,
      value: `${(ratio * 100).toFixed(1)}%`,
      met: ratio >= 0.9,
    });
  }
  checks.push({
    name: "switchyard RSS after load < 100 MB",
    value: `${rss?.toFixed(1) ?? "?"} MB`,
    met: rss !== null && rss < 100,
  });
  return checks;
}

function printTable(rows: Row[]): void {
  const header = ["target", "mode", "conns", "rps", "p50 ms", "p99 ms", "cpu µs/req", "vs direct", "vs thin"];
  const lines = rows.map((r) => [
    r.target,
    r.mode,
    String(r.connections),
    r.rps.toFixed(0),
    r.p50ms.toFixed(3),
    r.p99ms.toFixed(3),
    r.cpuUsPerRequest.toFixed(1),
    r.vsDirect.toFixed(3),
    r.vsThin.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols: string[]) => "| " + cols.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  console.log(fmt(header));
  console.log("| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |");
  for (const l of lines) console.log(fmt(l));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopAll();
    process.exit(130);
  });
}

let code = 1;
if (process.argv.includes("--micro")) {
  code =
    Bun.spawnSync(["bun", join(import.meta.dir, "micro.ts")], { stdout: "inherit", stderr: "inherit" }).exitCode ?? 1;
} else {
  try {
    code = await main();
  } catch (e) {
    console.error(`bench failed: ${(e as Error).message}`);
  } finally {
    stopAll();
  }
}
process.exit(code);
