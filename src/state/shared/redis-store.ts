// The shared store on Redis, through Bun's built-in client (auto-pipelined: calls made in the same
// tick go out in one write). Counters are changed by one Lua script each, so a check-and-add is
// atomic across instances; keys expire with their window. Breakers are a key (for readers that
// come late) plus a PUBLISH on the prefix's channel (for instances already listening). Pub/sub
// needs its own connection, opened on the first `onBreaker`.
import { RedisClient } from "bun";
import type { CounterResult, SharedBreaker, SharedCounter, SharedStore, SharedWindow } from "../../runtime/ports.ts";
import { COUNTER_GRACE_MS, sharedKeys, type SharedKeys } from "./keys.ts";
import { readBreaker, readWindow } from "./schema.ts";

/**
 * KEYS[1] the window counter; ARGV: amount, limit, expire-at (ms), capped ("1": grant at most
 * limit - used). Replies strings: Lua numbers would come back truncated to integers (usd).
 */
const COUNT_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = tonumber(ARGV[1])
if ARGV[4] == '1' then grant = math.max(0, math.min(grant, tonumber(ARGV[2]) - used)) end
if grant > 0 then
  used = tonumber(redis.call('INCRBYFLOAT', KEYS[1], tostring(grant)))
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
end
return {tostring(grant), tostring(used)}`;

/** KEYS[1] the session key; ARGV: model, ttl (ms). The first model stored wins; every claim refreshes it. */
const STICKY_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if not holder then holder = ARGV[1] end
redis.call('SET', KEYS[1], holder, 'PX', ARGV[2])
return holder`;

export interface RedisStoreOptions {
  url: string;
  prefix: string;
  /** How long a connect may take before an operation fails (the caller serves on local state meanwhile). */
  connectTimeoutMs?: number;
}

export class RedisSharedStore implements SharedStore {
  readonly #client: RedisClient;
  readonly #keys: SharedKeys;
  #subscriber: RedisClient | null = null;

  constructor(readonly options: RedisStoreOptions) {
    // No offline queue: while Redis is away a call fails at once instead of piling up behind it.
    this.#client = new RedisClient(options.url, {
      connectionTimeout: options.connectTimeoutMs ?? 1000,
      enableOfflineQueue: false,
      autoReconnect: false, // #ready reconnects on the next call; Bun's own retries hold a call for up to a minute
    });
    this.#keys = sharedKeys(options.prefix);
  }

  /** Reconnects after the client gave up (Bun stops retrying after maxRetries). */
  async #ready(): Promise<RedisClient> {
    if (!this.#client.connected) await this.#client.connect();
    return this.#client;
  }

  async #count(counter: SharedCounter, amount: number, capped: boolean): Promise<CounterResult> {
    const client = await this.#ready();
    const key = this.#keys.counter(counter.key, counter.windowStart);
    const expireAt = String(Math.ceil(counter.windowEnd + COUNTER_GRACE_MS));
    const args = [COUNT_SCRIPT, "1", key, String(amount), String(counter.limit), expireAt, capped ? "1" : "0"];
    const [granted, used] = (await client.send("EVAL", args)) as [string, string];
    return { granted: Number(granted), used: Number(used) };
  }

  take(counter: SharedCounter, want: number): Promise<CounterResult> {
    return this.#count(counter, want, true);
  }

  add(counter: SharedCounter, amount: number): Promise<CounterResult> {
    return this.#count(counter, amount, false);
  }

  async usage(counter: SharedCounter): Promise<number> {
    const client = await this.#ready();
    return Number((await client.get(this.#keys.counter(counter.key, counter.windowStart))) ?? 0);
  }

  async publishBreaker(key: string, breaker: SharedBreaker, ttlMs: number): Promise<void> {
    const client = await this.#ready();
    const text = JSON.stringify(breaker);
    // both go out in one pipelined write
    await Promise.all([
      client.send("SET", [this.#keys.breaker(key), text, "PX", String(Math.max(1, Math.ceil(ttlMs)))]),
      client.send("PUBLISH", [this.#keys.breakerChannel, `${key}\n${text}`]),
    ]);
  }

  async readBreakers(keys: readonly string[]): Promise<Record<string, SharedBreaker>> {
    const out: Record<string, SharedBreaker> = {};
    if (keys.length === 0) return out;
    const client = await this.#ready();
    const values = (await client.send(
      "MGET",
      keys.map((k) => this.#keys.breaker(k)),
    )) as (string | null)[];
    keys.forEach((key, i) => {
      const b = readBreaker(values[i] ?? null);
      if (b) out[key] = b;
    });
    return out;
  }

  async onBreaker(listener: (key: string, breaker: SharedBreaker) => void): Promise<() => Promise<void>> {
    await this.#ready();
    if (this.#subscriber && !this.#subscriber.connected) {
      this.#subscriber.close(); // died with an outage: subscribe again on a fresh connection
      this.#subscriber = null;
    }
    this.#subscriber ??= await this.#client.duplicate();
    const subscriber = this.#subscriber;
    const channel = this.#keys.breakerChannel;
    const onMessage = (message: string): void => {
      const cut = message.indexOf("\n");
      const b = cut > 0 ? readBreaker(message.slice(cut + 1)) : null;
      if (b) listener(message.slice(0, cut), b);
    };
    await subscriber.subscribe(channel, onMessage);
    return async () => subscriber.unsubscribe(channel, onMessage);
  }

  async claimProbe(key: string, instance: string, leaseMs: number): Promise<boolean> {
    const client = await this.#ready();
    const reply = await client.send("SET", [
      this.#keys.probe(key),
      instance,
      "NX",
      "PX",
      String(Math.max(1, Math.ceil(leaseMs))),
    ]);
    return reply === "OK";
  }

  async putWindow(model: string, window: SharedWindow, ttlMs: number): Promise<void> {
    const client = await this.#ready();
    const key = this.#keys.window(model);
    await Promise.all([
      client.send("HSET", [key, window.instance, JSON.stringify(window)]),
      client.send("PEXPIRE", [key, String(Math.max(1, Math.ceil(ttlMs)))]),
    ]);
  }

  async readWindows(model: string): Promise<SharedWindow[]> {
    const client = await this.#ready();
    const values = (await client.send("HVALS", [this.#keys.window(model)])) as string[];
    return values.map(readWindow).filter((w): w is SharedWindow => w !== null);
  }

  async claimSticky(key: string, model: string, ttlMs: number): Promise<string> {
    const client = await this.#ready();
    const ttl = String(Math.max(1, Math.ceil(ttlMs)));
    return (await client.send("EVAL", [STICKY_SCRIPT, "1", this.#keys.sticky(key), model, ttl])) as string;
  }

  async readSticky(key: string): Promise<string | null> {
    const client = await this.#ready();
    return client.get(this.#keys.sticky(key));
  }

  async pinSticky(key: string, model: string, ttlMs: number): Promise<void> {
    const client = await this.#ready();
    await client.send("SET", [this.#keys.sticky(key), model, "PX", String(Math.max(1, Math.ceil(ttlMs)))]);
  }

  async ping(): Promise<void> {
    const client = await this.#ready();
    await client.send("PING", []);
  }

  async close(): Promise<void> {
    this.#subscriber?.close();
    this.#client.close();
  }
}
