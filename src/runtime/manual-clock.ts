// A virtual clock for tests and the simulator: time moves only when told to, and every due timer
// fires in time order with a microtask drain in between, so awaiting code reacts at the right
// virtual instant. No real timers or setImmediate: a simulated hour runs as fast as the CPU allows.
import type { Clock } from "./ports.ts";
import { TimerHeap, type Timer } from "./timer-heap.ts";

export interface ManualClockOptions {
  /**
   * Microtask turns per drain round. After each firing the clock drains in rounds and keeps going
   * while the previous round touched the clock (now/sleep), so long await chains still reach their
   * next sleep before time moves; a quiet round ends the drain.
   */
  drainTurns?: number;
  /** Upper bound on rounds per drain, against code that polls now() in a microtask loop. */
  maxDrainRounds?: number;
}

function never(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #advancing = false;
  #activity = 0;
  readonly #heap = new TimerHeap();
  readonly #drainTurns: number;
  readonly #maxDrainRounds: number;

  constructor(start = 0, options: ManualClockOptions = {}) {
    this.#now = start;
    this.#drainTurns = options.drainTurns ?? 24;
    this.#maxDrainRounds = options.maxDrainRounds ?? 64;
  }

  now(): number {
    this.#activity++;
    return this.#now;
  }

  /** Timers still waiting to fire. */
  pending(): number {
    return this.#heap.size;
  }

  /** When the next timer is due, or null when none is set. */
  nextAt(): number | null {
    return this.#heap.peek()?.at ?? null;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.#activity++;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!(ms > 0)) return Promise.resolve();
    if (ms === Number.POSITIVE_INFINITY) return never(signal); // must not drag runUntilIdle to infinity
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.#now + ms, seq: this.#seq++, index: -1, fire: resolve };
      if (signal) {
        const onAbort = (): void => {
          this.#heap.remove(timer);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        timer.fire = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      }
      this.#heap.push(timer);
    });
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + Math.max(0, ms));
  }

  /** Fires every timer due up to `target` in order, letting awaiting code run after each instant. */
  async advanceTo(target: number): Promise<void> {
    this.#enter();
    try {
      await this.drain();
      for (;;) {
        const top = this.#heap.peek();
        if (top === undefined || top.at > target) break;
        this.#fireDue(top.at);
        await this.drain();
      }
      if (target > this.#now) this.#now = target;
      await this.drain();
    } finally {
      this.#advancing = false;
    }
  }

  /** Fires timers until none are left (or `maxTimers` instants ran); returns how many instants ran. */
  async runUntilIdle(maxTimers = 1_000_000): Promise<number> {
    this.#enter();
    let instants = 0;
    try {
      await this.drain();
      for (let top = this.#heap.peek(); top !== undefined && instants < maxTimers; top = this.#heap.peek()) {
        this.#fireDue(top.at);
        instants++;
        await this.drain();
      }
    } finally {
      this.#advancing = false;
    }
    return instants;
  }

  /** Lets pending promise chains run without moving time. */
  async drain(): Promise<void> {
    for (let round = 0; round < this.#maxDrainRounds; round++) {
      const before = this.#activity;
      for (let i = 0; i < this.#drainTurns; i++) await null;
      if (this.#activity === before) return;
    }
  }

  #fireDue(at: number): void {
    this.#now = at;
    for (let t = this.#heap.peek(); t !== undefined && t.at === at; t = this.#heap.peek()) {
      this.#heap.pop();
      t.fire();
    }
  }

  #enter(): void {
    if (this.#advancing) throw new Error("manual clock is already advancing; await the previous advance first");
    this.#advancing = true;
  }
}
