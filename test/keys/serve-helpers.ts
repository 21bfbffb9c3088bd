// A served keys policy on 127.0.0.1 (port 0) with a manual clock and the test secrets, and small
// request helpers for the key tests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import { serve, type RunningGateway } from "../../src/server/serve.ts";
import { KEY_SECRETS, KEYS_POLICY, START } from "./policy.ts";

export interface Served {
  running: RunningGateway;
  clock: ManualClock;
  lines: string[];
  dir: string;
  close(): Promise<void>;
}

export async function serveKeys(opts: { statePath?: string; dir?: string; clock?: ManualClock } = {}): Promise<Served> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "sy-keys-"));
  const policyPath = join(dir, "keys.route");
  writeFileSync(policyPath, KEYS_POLICY);
  const clock = opts.clock ?? new ManualClock(START);
  const lines: string[] = [];
  const running = await serve({
    policyPath,
    port: 0,
    host: "127.0.0.1",
    clock,
    env: { get: (n) => KEY_SECRETS[n] },
    log: (l) => lines.push(l),
    say: () => {},
    statePath: opts.statePath,
    snapshotIntervalMs: opts.statePath ? 3_600_000 : undefined,
  });
  return {
    running,
    clock,
    lines,
    dir,
    close: async () => {
      await running.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function chatReq(
  url: string,
  key: string | null,
  body: Record<string, unknown> = {},
  path = "/v1/chat/completions",
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return fetch(`${url}${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hello there" }], ...body }),
  });
}
