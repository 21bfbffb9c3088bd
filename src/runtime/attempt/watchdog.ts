// One re-armable timer per attempt instead of one timer per chunk: moving the deadline later is a
// field write, and the sleeping timer re-checks when it wakes. Only moving it earlier (e.g. from
// the first-token deadline to a shorter idle gap) restarts the sleep. It uses the clock's
// cancellable `schedule`, which saves an AbortController and a promise per re-arm.
import type { Clock, TimerHandle } from "../ports.ts";

/** Who hears the watchdog fire: a callback, or an object (an attempt run, saving a closure each). */
export type WatchdogListener<P> = ((phase: P) => void) | { onWatchdog(phase: P): void };

export class Watchdog<P> {
  #deadline = Number.POSITIVE_INFINITY;
  #phase: P;
  #sleep: TimerHandle | null = null;
  #sleepUntil = Number.POSITIVE_INFINITY;
  #stopped = false;

  constructor(
    private readonly clock: Clock,
    initialPhase: P,
    private readonly onFire: WatchdogListener<P>,
  ) {
    this.#phase = initialPhase;
  }

  get phase(): P {
    return this.#phase;
  }

  arm(phase: P, deadline: number): void {
    this.#phase = phase;
    this.#deadline = deadline;
    if (this.#stopped) return;
    if (this.#sleep !== null && deadline >= this.#sleepUntil) return; // wakes in time and re-checks
    this.#sleep?.cancel();
    this.#sleep = null;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#sleep?.cancel();
    this.#sleep = null;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const wait = this.#deadline - this.clock.now();
    if (wait <= 0) {
      this.#stopped = true;
      const listener = this.onFire;
      if (typeof listener === "function") listener(this.#phase);
      else listener.onWatchdog(this.#phase);
      return;
    }
    if (!Number.isFinite(wait)) return;
    this.#sleepUntil = this.#deadline;
    const timer = this.clock.schedule(wait, () => {
      if (this.#sleep !== timer) return;
      this.#sleep = null;
      this.#schedule();
    });
    this.#sleep = timer;
  }
}
