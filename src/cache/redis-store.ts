// The response cache in Redis, for gateways that share state (`gateway { shared_state { … } }`):
// every instance reads and writes the same entries, so an answer bought through one is a hit on
// the others. TTL is kept by Redis (SET … PX) and the bounds by two Lua scripts (redis-scripts.ts).
//
// The request path never waits on Redis for long: a lookup that has not answered within
// `lookupTimeoutMs` (the policy's shared_state `timeout`, on the injected clock) or that fails is a
// miss, and a store is fire-and-forget. When a call fails the store rests: every lookup is an
// immediate miss and nothing is written until, after `retryMs`, one call tries Redis again. That
// is logged once per outage (`cache_store_down`, then `cache_store_up`), never per request.
//
// It has its own connection (same URL, prefix and connect bound as the shared state): answers are
// large next to quota scripts, and one should not queue behind the other. Hits, misses, evictions
// and expirations are this instance's own counts; entries and bytes are each partition's in Redis
// (all instances' entries) as the last reply about it said.
import { RedisClient } from "bun";
import type { Clock } from "../runtime/ports.ts";
import { entryBytes } from "./memory-store.ts";
import { cacheKeys, GET_SCRIPT, SET_SCRIPT, type CacheKeys, type LuaScript } from "./redis-scripts.ts";
import type { CachePlacement, CacheStoreStats, ResponseCacheStore } from "./store.ts";

export interface RedisCacheStoreOptions {
  url: string;
  prefix: string;
  clock: Clock;
  /** Longest a lookup waits before it is a miss. */
  lookupTimeoutMs: number;
  /** How long a connect may take before the call fails. */
  connectTimeoutMs?: number;
  /** After a failure, how long before Redis is tried again (default 1 s). */
  retryMs?: number;
  /** One line when Redis stops answering and one when it is back (the reason, never the URL). */
  log?: (event: "cache_store_down" | "cache_store_up", detail: Record<string, unknown>) => void;
}

export const DEFAULT_CACHE_RETRY_MS = 1000;

export class RedisCacheStore implements ResponseCacheStore {
  readonly #client: RedisClient;
  readonly #keys: CacheKeys;
  /** Entries and bytes of each partition, as the last reply about it said. */
  readonly #sizes = new Map<string, { entries: number; bytes: number }>();
  #evictions = 0;
  #expirations = 0;
  /** Lookups that did not answer in time (each was a miss). */
  #slow = 0;
  /** While set, Redis is not called before this time (clock ms). */
  #restUntil: number | null = null;

  constructor(private readonly o: RedisCacheStoreOptions) {
    this.#client = new RedisClient(o.url, {
      connectionTimeout: o.connectTimeoutMs ?? 1000,
      enableOfflineQueue: false, // fail at once while Redis is away, never pile up behind it
      autoReconnect: false, // #call reconnects; Bun's own retries would hold a call for up to a minute
    });
    this.#keys = cacheKeys(o.prefix);
  }

  get(partition: string, key: string): null | Promise<string | null> {
    if (this.#resting()) return null;
    const reply = this.#call(GET_SCRIPT, partition, key, []);
    return new Promise((resolve) => {
      const timer = this.o.clock.schedule(this.o.lookupTimeoutMs, () => {
        this.#slow++;
        resolve(null);
      });
      reply.then(
        (r) => {
          timer.cancel();
          resolve(this.#found(partition, r));
        },
        () => {
          timer.cancel();
          resolve(null);
        },
      );
    });
  }

  set(key: string, value: string, place: CachePlacement): Promise<void> | undefined {
    const bytes = entryBytes(key, value);
    if (bytes > place.maxBytes || this.#resting()) return; // could never fit, or Redis is away
    const { partition, ttlMs, maxEntries, maxBytes } = place;
    const args = [value, String(Math.max(1, Math.ceil(ttlMs))), String(maxEntries), String(maxBytes), String(bytes)];
    return this.#call(SET_SCRIPT, partition, key, [...args, this.#keys.entryPrefix(partition)]).then(
      (r) => {
        const [evicted, expired, entries, total] = r as number[];
        this.#evictions += evicted;
        this.#expirations += expired;
        this.#sizes.set(partition, { entries, bytes: total });
      },
      () => {}, // already counted as an outage by #call
    );
  }

  stats(): CacheStoreStats {
    let entries = 0;
    let bytes = 0;
    for (const s of this.#sizes.values()) {
      entries += s.entries;
      bytes += s.bytes;
    }
    return { entries, bytes, evictions: this.#evictions, expirations: this.#expirations };
  }

  /** Lookups that took longer than `lookupTimeoutMs` (each served as a miss). */
  get slowLookups(): number {
    return this.#slow;
  }

  /** Whether the last call reached Redis. */
  get up(): boolean {
    return this.#restUntil === null;
  }

  close(): void {
    this.#client.close();
  }

  #found(partition: string, reply: unknown): string | null {
    if (!Array.isArray(reply)) return null; // not our script's reply: a miss
    const [entries, bytes, value] = reply as [number, number, string | number | undefined];
    this.#sizes.set(partition, { entries, bytes });
    if (typeof value === "string") return value;
    if (value === 1) this.#expirations++;
    return null;
  }

  /** True while resting after a failure; the first caller after the rest tries Redis (one per `retryMs`). */
  #resting(): boolean {
    if (this.#restUntil === null) return false;
    const now = this.o.clock.now();
    if (now < this.#restUntil) return true;
    this.#restUntil = now + (this.o.retryMs ?? DEFAULT_CACHE_RETRY_MS);
    return false;
  }

  async #call(script: LuaScript, partition: string, key: string, args: string[]): Promise<unknown> {
    const k = this.#keys;
    const keys = [k.entry(partition, key), k.lru(partition), k.sizes(partition), k.meta(partition)];
    try {
      if (!this.#client.connected) await this.#client.connect();
      const reply = await evalScript(this.#client, script, ["4", ...keys, key, ...args]);
      if (this.#restUntil !== null) {
        this.#restUntil = null;
        this.o.log?.("cache_store_up", {});
      }
      return reply;
    } catch (err) {
      if (this.#restUntil === null) {
        this.#restUntil = this.o.clock.now() + (this.o.retryMs ?? DEFAULT_CACHE_RETRY_MS);
        this.o.log?.("cache_store_down", { reason: reasonOf(err) });
      }
      throw err;
    }
  }
}

/** EVALSHA, and EVAL when Redis does not have the script (first use, or a restarted server). */
async function evalScript(client: RedisClient, script: LuaScript, args: string[]): Promise<unknown> {
  try {
    return await client.send("EVALSHA", [script.sha, ...args]);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
    return client.send("EVAL", [script.text, ...args]);
  }
}

/** The error's code or name: enough to tell refused from timed out, and never a URL or password. */
function reasonOf(err: unknown): string {
  if (typeof err === "object" && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (err instanceof Error) return err.name;
  }
  return "unknown";
}
