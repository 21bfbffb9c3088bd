// Driving wrk: a Lua script per request body, one timed run pinned to core 1, and its report
// parsed into requests/s, completed requests and the 50th/99th latency percentiles.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pin } from "./processes.ts";

export interface WrkResult {
  rps: number;
  requests: number;
  p50ms: number;
  p99ms: number;
  non2xx: number;
}

export function wrkScript(body: string, token = "bench"): string {
  const path = join(mkdtempSync(join(tmpdir(), "sy-bench-")), "post.lua");
  writeFileSync(
    path,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${token}"\n`,
  );
  return path;
}

function parseMs(s: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(s);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

export function runWrk(url: string, connections: number, seconds: number, script: string): WrkResult {
  const threads = Math.min(connections, 2);
  const res = Bun.spawnSync(
    pin(1, [
      "wrk",
      "-t",
      String(threads),
      "-c",
      String(connections),
      "-d",
      `${seconds}s`,
      "--latency",
      "-s",
      script,
      url,
    ]),
  );
  const out = res.stdout.toString();
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    p50ms: parseMs(/\n\s+50%\s+(\S+)/.exec(out)?.[1] ?? ""),
    p99ms: parseMs(/\n\s+99%\s+(\S+)/.exec(out)?.[1] ?? ""),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}
