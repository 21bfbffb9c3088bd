// What the engine may touch of the outside world. Serve passes the real ones, simulate passes a
// virtual clock, a seeded random and simulated providers; the engine never reads Date.now,
// setTimeout, Math.random or fetch itself. The implementations live outside the runtime: the
// clocks and the random in src/ports, the network in src/providers/fetch-transport.ts.

export interface Clock {
  /** Milliseconds; monotonic within a run. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fire` once after `ms` unless the handle is cancelled first. A cheaper way than
   * sleep + AbortController to keep a timer that is re-armed often (the attempt watchdog).
   * `fire` runs where a sleep's continuation would.
   */
  schedule(ms: number, fire: () => void): TimerHandle;
}

/** A scheduled call that can still be called off. */
export interface TimerHandle {
  /** After this returns, `fire` will not run (a no-op once it has run). */
  cancel(): void;
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

export interface Transport {
  fetch(url: string, init: RequestInit & { signal: AbortSignal }): Promise<Response>;
  /**
   * Told by a stream adapter that a streamed body this transport delivered for `url` broke
   * mid-body (a read failed that the engine did not abort). A transport that picks its HTTP client
   * per upstream learns from it (src/providers/stream-trust.ts); others need not implement it.
   */
  bodyBroke?(url: string): void;
}

/** Provider keys and client keys come from here (serve: process.env), so tests can inject them. */
export interface SecretSource {
  get(name: string): string | undefined;
}

export interface Ports {
  clock: Clock;
  random: Random;
  transport: Transport;
  secrets: SecretSource;
}

// ---- shared state between gateway instances (issue 12) ----
// Optional: one instance runs without it. The engine and serve see only this interface; the Redis
// implementation (src/state/shared/redis-store.ts) and the in-memory one for simulate and tests
// (src/state/shared/memory-store.ts) pass one conformance suite. Every method may reject (Redis
// down): callers bound their wait and fall back on local state.

/** A usage counter on one window: keys are unprefixed (`model:m:requests:minute`), the store adds its prefix. */
export interface SharedCounter {
  key: string;
  /** Window bounds in clock ms (UTC-aligned); the stored counter expires at `windowEnd`. */
  windowStart: number;
  windowEnd: number;
  limit: number;
}

export interface CounterResult {
  /** How much of what was asked for was granted (all of it for `add`). */
  granted: number;
  /** The window's total after this call, across all instances. */
  used: number;
}

/** A breaker as the cluster sees it: what phase, since when, and which instance said so. */
export interface SharedBreaker {
  phase: "closed" | "open" | "half_open";
  openedAt: number | null;
  by: string;
  at: number;
}

/** One instance's error-rate buckets and EWMAs for one model, as it last published them. */
export interface SharedWindow {
  instance: string;
  at: number;
  bucketMs: number;
  buckets: { start: number; ok: number; fail: number }[];
  latencyEwmaMs: number | null;
  ttftEwmaMs: number | null;
  tokensPerSecEwma: number | null;
}

export interface SharedStore {
  /** Atomically takes up to `want` without passing `limit`; a lease is a `take` of several units. */
  take(counter: SharedCounter, want: number): Promise<CounterResult>;
  /** Atomically adds usage known only afterwards (tokens, usd), even past the limit. */
  add(counter: SharedCounter, amount: number): Promise<CounterResult>;
  usage(counter: SharedCounter): Promise<number>;
  /** Stores the breaker (kept `ttlMs`) and tells every subscriber. */
  publishBreaker(key: string, breaker: SharedBreaker, ttlMs: number): Promise<void>;
  readBreakers(keys: readonly string[]): Promise<Record<string, SharedBreaker>>;
  /** Calls `listener` for every breaker any instance publishes (including this one); resolves to an unsubscribe. */
  onBreaker(listener: (key: string, breaker: SharedBreaker) => void): Promise<() => Promise<void>>;
  /** True for exactly one caller per `leaseMs`: the cluster-wide half-open probe. */
  claimProbe(key: string, instance: string, leaseMs: number): Promise<boolean>;
  /** Replaces this instance's window for `model` (kept `ttlMs`). */
  putWindow(model: string, window: SharedWindow, ttlMs: number): Promise<void>;
  readWindows(model: string): Promise<SharedWindow[]>;
  /** The first model claimed for a session wins everywhere; returns the holder (refreshing `ttlMs`). */
  claimSticky(key: string, model: string, ttlMs: number): Promise<string>;
  readSticky(key: string): Promise<string | null>;
  /** Moves the session to `model` (last writer wins: a failover that served it elsewhere), kept `ttlMs`. */
  pinSticky(key: string, model: string, ttlMs: number): Promise<void>;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sticky-session pins shared by the instances (issue 12), handed to the engine beside its own
 * sticky map. Asked only for a request that carries a sticky session key; a pin known fresh comes
 * back at once (no promise), otherwise a promise the implementation bounds by the store's timeout.
 */
export interface StickyPins {
  /** The cluster's model for the session `key`, null when none is known. */
  pinned(key: string): string | null | Promise<string | null>;
  /** The session `key` was served by `model` (fire and forget). */
  served(key: string, model: string): void;
}

/**
 * `requests` quotas leased from the cluster (issue 12), handed to the engine beside its own quota
 * records. Each instance holds a few units taken from the shared counter ahead of time and spends
 * them at admission, so the cluster never admits more than the limit. Every call is synchronous:
 * a request never waits on the store (with no unit in hand the model counts as out of quota).
 */
export interface QuotaLeases {
  /**
   * Whether one more request may be admitted against the `requests` quota `key` now: true or false
   * when the cluster governs it (a leased unit in hand or not), null when the local quota record
   * decides (the store is down, or `key` is not a shared quota).
   */
  allows(key: string, now: number): boolean | null;
  /** A request was admitted against `key` (asked right after `allows`): spends one unit. */
  admitted(key: string, now: number): void;
  /** The upstream said the quota is gone: the units in hand are dropped until the window ends. */
  exhausted(key: string, now: number): void;
}
