// `switchyard state show redis://…`: what the cluster holds under one prefix, read straight from
// Redis (SCAN, so no policy is needed to know the names). Read-only; values pass the same checks
// the gateway applies before acting on them. The URL is never printed (it may carry a password).
import { RedisClient } from "bun";
import type { SharedBreaker, SharedWindow } from "../../runtime/ports.ts";
import { readBreaker, readWindow } from "./schema.ts";

export interface SharedDump {
  prefix: string;
  breakers: Record<string, SharedBreaker>;
  /** `<quota key>` → { window start → used }. */
  quotas: Record<string, Record<string, number>>;
  windows: Record<string, SharedWindow[]>;
  probes: Record<string, string>;
  stickySessions: number;
}

/** Keys scanned at most: a prefix shared with something huge is cut off rather than read for ever. */
const MAX_KEYS = 100_000;

async function scanKeys(client: RedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = (await client.send("SCAN", [cursor, "MATCH", `${prefix}:*`, "COUNT", "1000"])) as [
      string,
      string[],
    ];
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0" && keys.length < MAX_KEYS);
  return keys;
}

export async function readSharedState(url: string, prefix: string, timeoutMs = 2000): Promise<SharedDump> {
  const client = new RedisClient(url, {
    connectionTimeout: timeoutMs,
    autoReconnect: false,
    enableOfflineQueue: false,
  });
  try {
    await client.connect();
    const dump: SharedDump = { prefix, breakers: {}, quotas: {}, windows: {}, probes: {}, stickySessions: 0 };
    for (const raw of await scanKeys(client, prefix)) await readOne(client, raw.slice(prefix.length + 1), raw, dump);
    return dump;
  } finally {
    client.close();
  }
}

async function readOne(client: RedisClient, rest: string, raw: string, dump: SharedDump): Promise<void> {
  const kind = rest.slice(0, 2);
  const name = rest.slice(2);
  if (kind === "b:") {
    const b = readBreaker(await client.get(raw));
    if (b) dump.breakers[name] = b;
  } else if (kind === "q:") {
    const cut = name.lastIndexOf(":");
    const used = Number(await client.get(raw));
    if (cut > 0 && Number.isFinite(used)) (dump.quotas[name.slice(0, cut)] ??= {})[name.slice(cut + 1)] = used;
  } else if (kind === "w:") {
    const values = (await client.send("HVALS", [raw])) as string[];
    dump.windows[name] = values.map(readWindow).filter((w): w is SharedWindow => w !== null);
  } else if (kind === "p:") {
    dump.probes[name] = (await client.get(raw)) ?? "";
  } else if (kind === "s:") {
    dump.stickySessions++;
  }
}

/** People-readable lines (times as UTC instants: this reads no clock). */
export function renderSharedDump(dump: SharedDump, where: string): string {
  const out = [`shared state at ${where} under prefix \`${dump.prefix}\``];
  const breakers = Object.entries(dump.breakers);
  out.push(`breakers: ${breakers.length === 0 ? "none stored" : ""}`.trimEnd());
  for (const [key, b] of breakers) {
    const since = b.openedAt === null ? "" : `, opened at ${new Date(b.openedAt).toISOString()}`;
    out.push(`  ${key}: ${b.phase}${since} (by ${b.by})`);
  }
  for (const [key, holder] of Object.entries(dump.probes)) out.push(`  ${key}: probe lease held by ${holder}`);
  const quotas = Object.entries(dump.quotas);
  out.push(`quotas: ${quotas.length === 0 ? "none stored" : ""}`.trimEnd());
  for (const [key, windows] of quotas)
    for (const [start, used] of Object.entries(windows))
      out.push(`  ${key}: ${used} used in the window from ${new Date(Number(start)).toISOString()}`);
  const windows = Object.entries(dump.windows);
  out.push(`windows: ${windows.length === 0 ? "none stored" : ""}`.trimEnd());
  for (const [model, list] of windows) {
    const parts = list.map((w) => {
      const n = w.buckets.reduce((s, b) => s + b.ok + b.fail, 0);
      const fail = w.buckets.reduce((s, b) => s + b.fail, 0);
      const lat = w.latencyEwmaMs === null ? "" : `, latency ~${Math.round(w.latencyEwmaMs)} ms`;
      return `${w.instance} ${fail}/${n} failed${lat}`;
    });
    out.push(`  ${model}: ${parts.join("; ")}`);
  }
  out.push(`sticky sessions: ${dump.stickySessions}`);
  return out.join("\n") + "\n";
}
