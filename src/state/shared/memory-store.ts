// The shared store in memory, for simulate (N engine instances in one process) and tests. One
// `MemorySharedHub` is the "server"; each instance `connect`s to it. Every operation is atomic, as
// a Lua script is in Redis; `delayMs` (on the injected clock) is how long an operation and a
// breaker notification take to reach the others, so a scenario can show what propagation costs.
// `down` makes every operation reject, as an unreachable Redis does.
import type {
  Clock,
  CounterResult,
  SharedBreaker,
  SharedCounter,
  SharedStore,
  SharedWindow,
} from "../../runtime/ports.ts";
import { COUNTER_GRACE_MS, sharedKeys, type SharedKeys } from "./keys.ts";
import { readBreaker, readWindow } from "./schema.ts";

interface Entry {
  value: string | Map<string, string>;
  expiresAt: number;
}

type BreakerListener = (key: string, breaker: SharedBreaker) => void;

export class MemorySharedHub {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Map<string, Set<BreakerListener>>();
  down = false;

  constructor(
    readonly clock: Clock,
    public delayMs = 0,
  ) {}

  connect(prefix: string): SharedStore {
    return new MemorySharedStore(this, sharedKeys(prefix));
  }

  /** Waits the propagation delay, then fails if the hub is down. */
  async reach(): Promise<void> {
    if (this.delayMs > 0) await this.clock.sleep(this.delayMs);
    if (this.down) throw new Error("shared store unreachable");
  }

  get(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && e.expiresAt <= this.clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, value: Entry["value"], expiresAt: number): void {
    if (expiresAt <= this.clock.now()) this.#entries.delete(key);
    else this.#entries.set(key, { value, expiresAt });
  }

  subscribe(channel: string, listener: BreakerListener): () => void {
    const set = this.#listeners.get(channel) ?? new Set<BreakerListener>();
    this.#listeners.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  publish(channel: string, key: string, breaker: SharedBreaker): void {
    for (const listener of this.#listeners.get(channel) ?? []) {
      const deliver = (): void => listener(key, breaker);
      if (this.delayMs > 0) this.clock.schedule(this.delayMs, deliver);
      else queueMicrotask(deliver);
    }
  }
}

class MemorySharedStore implements SharedStore {
  constructor(
    private readonly hub: MemorySharedHub,
    private readonly keys: SharedKeys,
  ) {}

  #counterUsed(counter: SharedCounter): number {
    const e = this.hub.get(this.keys.counter(counter.key, counter.windowStart));
    return e ? Number(e.value) : 0;
  }

  #count(counter: SharedCounter, granted: number): CounterResult {
    const used = this.#counterUsed(counter) + granted;
    if (granted > 0)
      this.hub.set(
        this.keys.counter(counter.key, counter.windowStart),
        String(used),
        counter.windowEnd + COUNTER_GRACE_MS,
      );
    return { granted, used };
  }

  async take(counter: SharedCounter, want: number): Promise<CounterResult> {
    await this.hub.reach();
    return this.#count(counter, Math.max(0, Math.min(want, counter.limit - this.#counterUsed(counter))));
  }

  async add(counter: SharedCounter, amount: number): Promise<CounterResult> {
    await this.hub.reach();
    return this.#count(counter, amount);
  }

  async usage(counter: SharedCounter): Promise<number> {
    await this.hub.reach();
    return this.#counterUsed(counter);
  }

  async publishBreaker(key: string, breaker: SharedBreaker, ttlMs: number): Promise<void> {
    await this.hub.reach();
    this.hub.set(this.keys.breaker(key), JSON.stringify(breaker), this.hub.clock.now() + ttlMs);
    this.hub.publish(this.keys.breakerChannel, key, breaker);
  }

  async readBreakers(keys: readonly string[]): Promise<Record<string, SharedBreaker>> {
    await this.hub.reach();
    const out: Record<string, SharedBreaker> = {};
    for (const key of keys) {
      const e = this.hub.get(this.keys.breaker(key));
      const b = readBreaker(typeof e?.value === "string" ? e.value : null);
      if (b) out[key] = b;
    }
    return out;
  }

  async onBreaker(listener: BreakerListener): Promise<() => Promise<void>> {
    await this.hub.reach();
    const off = this.hub.subscribe(this.keys.breakerChannel, listener);
    return async () => void off();
  }

  async claimProbe(key: string, instance: string, leaseMs: number): Promise<boolean> {
    await this.hub.reach();
    if (this.hub.get(this.keys.probe(key))) return false;
    this.hub.set(this.keys.probe(key), instance, this.hub.clock.now() + leaseMs);
    return true;
  }

  async putWindow(model: string, window: SharedWindow, ttlMs: number): Promise<void> {
    await this.hub.reach();
    const e = this.hub.get(this.keys.window(model));
    const fields = e && e.value instanceof Map ? e.value : new Map<string, string>();
    fields.set(window.instance, JSON.stringify(window));
    this.hub.set(this.keys.window(model), fields, this.hub.clock.now() + ttlMs);
  }

  async readWindows(model: string): Promise<SharedWindow[]> {
    await this.hub.reach();
    const e = this.hub.get(this.keys.window(model));
    if (!e || !(e.value instanceof Map)) return [];
    return [...e.value.values()].map(readWindow).filter((w): w is SharedWindow => w !== null);
  }

  async claimSticky(key: string, model: string, ttlMs: number): Promise<string> {
    await this.hub.reach();
    const e = this.hub.get(this.keys.sticky(key));
    const holder = typeof e?.value === "string" ? e.value : model;
    this.hub.set(this.keys.sticky(key), holder, this.hub.clock.now() + ttlMs);
    return holder;
  }

  async readSticky(key: string): Promise<string | null> {
    await this.hub.reach();
    const e = this.hub.get(this.keys.sticky(key));
    return typeof e?.value === "string" ? e.value : null;
  }

  async pinSticky(key: string, model: string, ttlMs: number): Promise<void> {
    await this.hub.reach();
    this.hub.set(this.keys.sticky(key), model, this.hub.clock.now() + ttlMs);
  }

  async ping(): Promise<void> {
    await this.hub.reach();
  }

  async close(): Promise<void> {}
}
