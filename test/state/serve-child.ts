// The real gateway as a child process for the serve crash and npm start tests: spawns `bun
// src/cli/main.ts serve` (or any command that starts it) on port 0 with a state file, waits for
// its startup line, and offers the few admin calls the tests need. Kept apart from the tests so
// they read as their scenarios only.
import { join } from "node:path";
import type { ModelCounters } from "../../src/runtime/api.ts";

const MAIN = join(import.meta.dir, "../../src/cli/main.ts");
export const ADMIN_ENV = "SWYD_CRASH_ADMIN_TOKEN";
const ADMIN_TOKEN = "crash-test-admin";

export interface ServeChild {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  /** Everything the server wrote to stderr before (and including) its startup line. */
  startup: string;
  /** Resolves with the whole stdout (one JSON line per request or event) once the process is gone. */
  stdout: Promise<string>;
}

/** Starts `serve` and resolves once it prints `switchyard listening on <url>`. */
export function startServe(policy: string, statePath: string, intervalMs: number): Promise<ServeChild> {
  return spawnServe([
    process.execPath,
    MAIN,
    "serve",
    policy,
    "--port",
    "0",
    "--state",
    statePath,
    "--snapshot-interval",
    `${intervalMs}ms`,
  ]);
}

/** Runs `command` (any way of starting serve, e.g. `npm run serve -- …`) and waits for its startup line. */
export async function spawnServe(
  command: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ServeChild> {
  const proc = Bun.spawn(command, {
    cwd: options.cwd,
    env: { ...process.env, [ADMIN_ENV]: ADMIN_TOKEN, NO_COLOR: "1", ...options.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stdout = new Response(proc.stdout).text();
  const reader = proc.stderr.getReader();
  const decoder = new TextDecoder();
  let startup = "";
  for (;;) {
    const match = /switchyard listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(startup);
    if (match) {
      reader.releaseLock();
      return { proc, url: match[1], startup, stdout };
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve exited before listening (code ${await proc.exited}):\n${startup}`);
    startup += decoder.decode(value, { stream: true });
  }
}

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** The live counters from `GET /admin/state`. */
export async function reportedCounters(url: string): Promise<Record<string, ModelCounters>> {
  const res = await fetch(`${url}/admin/state`, { headers: admin });
  if (res.status !== 200) throw new Error(`/admin/state answered ${res.status}`);
  const body = (await res.json()) as { state: { counters: Record<string, ModelCounters> } };
  return body.state.counters;
}

export async function snapshotNow(url: string): Promise<void> {
  const res = await fetch(`${url}/admin/snapshot`, { method: "POST", headers: admin });
  if (res.status !== 200) throw new Error(`/admin/snapshot answered ${res.status}: ${await res.text()}`);
}

/** One chat request; any HTTP answer is fine (failures change state too). */
export async function chat(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}
