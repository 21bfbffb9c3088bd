// A Redis for the shared-state tests. CI (.ci/run) starts one and exports SWITCHYARD_TEST_REDIS_URL;
// on a fresh clone the tests start their own `redis-server` on a free loopback port, or, when the
// binary is absent, register one visible test that says why the Redis tests did not run (no silent
// skip). Readiness is the server's own "Ready to accept connections" line followed by a PING, never
// a sleep.
import { describe, test } from "bun:test";
import { createServer, connect } from "node:net";
import type { Subprocess } from "bun";

export const REDIS_URL_ENV = "SWITCHYARD_TEST_REDIS_URL";

export interface RedisServer {
  url: string;
  port: number;
  /** Stops a server this harness started (SIGKILL, by pid); a no-op for CI's shared server. */
  stop(): Promise<void>;
  /** Starts it again on the same port (only for a server this harness started). */
  restart(): Promise<void>;
  readonly owned: boolean;
}

/** A port the kernel just handed out on 127.0.0.1, released for redis-server to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Why the Redis tests cannot run here, or null when they can. */
export function redisUnavailableReason(): string | null {
  if (process.env[REDIS_URL_ENV]) return null;
  if (Bun.which("redis-server")) return null;
  return `redis-server is not installed and ${REDIS_URL_ENV} is not set: install it (apt-get install -y redis-server) to run the shared-state tests; CI always has it`;
}

/** Sends PING on a raw socket and resolves on +PONG (bounded by `timeoutMs`). */
export function ping(port: number, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const timer = setTimeout(
      () => finish(new Error(`no PONG from 127.0.0.1:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    function finish(error?: Error): void {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    }
    socket.once("error", (e) => finish(e));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) =>
      d.toString().startsWith("+PONG") ? finish() : finish(new Error(`unexpected reply ${d}`)),
    );
  });
}

async function spawnRedis(port: number): Promise<Subprocess> {
  const child = Bun.spawn(
    [
      "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  await waitForReady(child, port);
  return child;
}

/** Reads the server's log until it says it is ready (or exits), then PINGs it. */
async function waitForReady(child: Subprocess, port: number): Promise<void> {
  const stdout = child.stdout as ReadableStream<Uint8Array>;
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let log = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`redis-server exited before it was ready:\n${log}`);
    log += decoder.decode(value);
    if (log.includes("Ready to accept connections")) break;
  }
  reader.releaseLock();
  void stdout.pipeTo(new WritableStream()).catch(() => {}); // keep draining so the server never blocks on its log
  await ping(port);
}

/** CI's server when SWITCHYARD_TEST_REDIS_URL is set, else a fresh one on a free port. */
export async function startRedis(): Promise<RedisServer> {
  const shared = process.env[REDIS_URL_ENV];
  if (shared) {
    const port = Number(new URL(shared).port || 6379);
    return { url: shared, port, owned: false, stop: async () => {}, restart: async () => {} };
  }
  return startOwnedRedis();
}

/** A server only this caller uses (tests that kill and restart it). */
export async function startOwnedRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: Subprocess | null = await spawnRedis(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    owned: true,
    async stop() {
      if (!child) return;
      child.kill("SIGKILL");
      await child.exited;
      child = null;
    },
    async restart() {
      if (!child) child = await spawnRedis(port);
    },
  };
}

/**
 * `describe` for tests that need Redis. Without one, a single test with a name that says why runs
 * instead (and logs the reason), so the report shows the Redis tests were not run.
 */
export function describeWithRedis(name: string, body: () => void): void {
  const reason = redisUnavailableReason();
  if (reason === null) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    test(`NOT RUN: ${reason}`, () => {
      console.warn(`[${name}] not run: ${reason}`);
    });
  });
}
