// Three gateways (serve(), real HTTP on 127.0.0.1) sharing one Redis, in front of mock upstreams:
// the multi-instance tests of issue 12 drive this cluster and look at what the upstreams saw.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SystemClock } from "../../src/ports/system-clock.ts";
import type { Clock } from "../../src/runtime/ports.ts";
import { serve, type RunningGateway } from "../../src/server/serve.ts";

export const ADMIN = "cluster-admin-token";
let clusters = 0;

export interface Cluster {
  /** The key prefix in Redis, to look at what the cluster stored. */
  prefix: string;
  gateways: RunningGateway[];
  logs: string[][];
  chat(i: number, extraHeaders?: Record<string, string>): Promise<Response>;
  admin(i: number, path: string): Promise<any>;
  stop(): Promise<void>;
}

/**
 * `body` is the policy after the gateway block; `${prefix}` keeps concurrent test files apart.
 * `clock`: one for all the gateways (default: each its own system clock); `env`: more variables
 * every gateway reads (declared keys' secrets).
 */
export async function startCluster(
  redisUrl: string,
  body: string,
  size = 3,
  sharedExtra = "",
  clock?: Clock,
  extraEnv: Record<string, string> = {},
): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "sy-cluster-"));
  const prefix = `sytest:${process.pid}:cluster${++clusters}`;
  const policy = `gateway {\n  admin_token env("ADMIN")\n  shared_state { redis env("REDIS_URL")  instance_id env("GW_ID")  prefix "${prefix}"  ${sharedExtra} }\n}\n${body}`;
  const path = join(dir, "policy.route");
  writeFileSync(path, policy);
  const gateways: RunningGateway[] = [];
  const logs: string[][] = [];
  for (let i = 0; i < size; i++) {
    const env: Record<string, string> = { ...extraEnv, ADMIN, REDIS_URL: redisUrl, GW_ID: `gw-${i}` };
    const log: string[] = [];
    logs.push(log);
    gateways.push(
      await serve({
        policyPath: path,
        port: 0,
        env: { get: (n) => env[n] },
        log: (line) => void log.push(line),
        say: () => {},
        ...(clock ? { clock } : {}),
      }),
    );
  }
  return {
    prefix,
    gateways,
    logs,
    chat: (i, extraHeaders = {}) =>
      fetch(`${gateways[i]!.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...extraHeaders },
        body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
      }),
    admin: async (i, p) =>
      (await fetch(`${gateways[i]!.url}${p}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json(),
    stop: async () => void (await Promise.all(gateways.map((g) => g.stop()))),
  };
}

/** Re-checks `probe` on each event-loop turn until it holds, failing after `withinMs` (no fixed sleep). */
export async function until(probe: () => Promise<boolean> | boolean, withinMs: number, what: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - started;
    if (performance.now() - started > withinMs) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * The system clock set to read the start of the next minute now, for every gateway of a cluster: a
 * `per minute` quota then has a whole window ahead of the test instead of whatever is left of the
 * current one (a test crossing into the next window would see the limit twice).
 */
export function clockAtNextMinute(): Clock {
  const real = new SystemClock();
  const offset = Math.ceil((real.now() + 1) / 60_000) * 60_000 - real.now();
  return {
    now: () => real.now() + offset,
    sleep: (ms, signal) => real.sleep(ms, signal),
    schedule: (ms, fire) => real.schedule(ms, fire),
  };
}
