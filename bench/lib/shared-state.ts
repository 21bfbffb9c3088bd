// The shared-state cell of the HTTP bench (issue 12): a redis-server this run starts (no
// persistence, on a free loopback port, pinned with the servers) and the bench policy with a
// model quota, once with local state and once with `shared_state` on that Redis, so the pair
// differs only in where the quota, breakers and windows are kept.
import { createServer } from "node:net";
import { startServer } from "./processes.ts";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts redis-server; resolves with its URL once it accepts connections. */
export async function startBenchRedis(root: string): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  const argv = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const { proc } = await startServer(root, argv, /()Ready to accept connections/, "stdout");
  return { url: `redis://127.0.0.1:${port}`, pid: proc.pid };
}

/** `policy` with a quota on its first model (never reached), and the shared-state block when `redis`. */
export function quotaPolicy(policy: string, redis: boolean): string {
  const withQuota = policy.replace(/^(model primary \{.*) \}$/m, "$1  quota { requests 1000000000/day } }");
  if (withQuota === policy) throw new Error("bench policy has no `model primary` line to put a quota on");
  // lease 1000: thousands of requests per second on one instance spend a lease of 10 faster than
  // its refill comes back (docs/state.md: lease >= 2 x requests/s x round trip), and the bench
  // would then measure failovers to the second model instead of what Redis costs
  const gateway = 'gateway {\n  shared_state { redis env("REDIS_URL")  prefix "sy:bench"  lease 1000 }\n}\n';
  return redis ? gateway + withQuota : withQuota;
}
