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
