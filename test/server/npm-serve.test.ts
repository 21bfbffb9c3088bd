// The README's start command, exactly as a process manager or container runtime runs it: `npm run
// serve` must stop cleanly on SIGTERM (drain, final snapshot, exit 0). npm runs the script through
// `sh -c`, which would not pass the signal on unless the script `exec`s the gateway.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { decodeSnapshot } from "../../src/state/codec.ts";
import { tempDir } from "../state/fixtures.ts";
import { chat, spawnServe } from "../state/serve-child.ts";

const ROOT = join(import.meta.dir, "../..");
/** A generous bound on a clean stop (the drain has nothing to wait for); it is a limit, not a wait. */
const STOP_BOUND_MS = 10_000;

test("SIGTERM to `npm run serve` drains, writes the final snapshot and exits 0", async () => {
  using dir = tempDir();
  const statePath = dir.file("state.bin");
  // A long interval: only the final write at shutdown can hold the request made below.
  // The port comes from PORT, as platforms that assign one set it.
  const child = await spawnServe(["npm", "run", "serve", "--", "--state", statePath, "--snapshot-interval", "1h"], {
    cwd: ROOT,
    env: { PORT: "0" },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    expect(await chat(child.url)).toBe(200);
    child.proc.kill("SIGTERM"); // npm's own process, as `docker stop` or systemd would signal it
    const bound = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still running"), STOP_BOUND_MS)));
    expect(await Promise.race([child.proc.exited, bound])).toBe(0);
  } finally {
    clearTimeout(timer);
    child.proc.kill("SIGKILL");
  }
  const decoded = decodeSnapshot(await Bun.file(statePath).bytes());
  if (!decoded.ok) throw new Error(decoded.message);
  const requests = Object.values(decoded.document.state.counters).reduce((sum, c) => sum + c.requests, 0);
  expect(requests).toBeGreaterThanOrEqual(1);
});
