// One re-armable timer per attempt instead of one timer per chunk: moving the deadline later is a
// field write, and the sleeping timer re-checks when it wakes. Only moving it earlier (e.g. from
// the first-token deadline to a shorter idle gap) restarts the sleep.
import type { Clock } from "./ports.ts";

// a shared reason: abort() without one builds a DOMException (with a stack) every time
const REARMED = new Error("watchdog re-armed or stopped");

export class Watchdog<P> {
  #deadline = Number.POSITIVE_INFINITY;
  #phase: P;
  #sleep: AbortController | null = null;
  #sleepUntil = Number.POSITIVE_INFINITY;
  #stopped = false;

  constructor(
    private readonly clock: Clock,
    initialPhase: P,
    private readonly onFire: (phase: P) => void,
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
    this.#sleep?.abort(REARMED);
    this.#sleep = null;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#sleep?.abort(REARMED);
    this.#sleep = null;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const wait = this.#deadline - this.clock.now();
    if (wait <= 0) {
      this.#stopped = true;
      this.onFire(this.#phase);
      return;
    }
    if (!Number.isFinite(wait)) return;
    const ctl = new AbortController();
    this.#sleep = ctl;
    this.#sleepUntil = this.#deadline;
    this.clock.sleep(wait, ctl.signal).then(
      () => {
        if (this.#sleep !== ctl) return;
        this.#sleep = null;
        this.#schedule();
      },
      () => {},
    );
  }
}
