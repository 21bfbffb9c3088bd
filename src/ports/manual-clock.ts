// A virtual clock for tests and the simulator: time moves only when told to, and every due timer
// fires in time order, with everything awaiting it settled before time moves again, so awaiting
// code reacts at the right virtual instant. No real timers: a simulated hour runs as fast as the
// CPU allows. Between instants the clock waits one setImmediate turn, the only exact way to know
// the microtask queue is empty (and cheaper than a fixed number of `await null` turns).
import type { Clock, TimerHandle } from "../runtime/ports.ts";
import { TimerHeap, type Timer } from "./timer-heap.ts";

export interface ManualClockOptions {
  /**
   * A sleep whose signal aborts stays on the heap and rejects when it comes due, instead of at the
   * abort, so no abort listener is added per signal (a listener per upstream attempt was a tenth
   * of a simulated request's cost). For the simulator, where the engine has stopped waiting on an
   * abandoned attempt's sleep by then: results are the same. Default: reject at the abort.
   */
  lazyAbort?: boolean;
}

/** A sleep's timer: settles its promise, and knows the abort group it is listed in. */
interface SleepTimer extends Timer {
  fail: (reason: unknown) => void;
  group: Set<SleepTimer> | null;
}

/** A `schedule` timer: runs its callback in a microtask, where a sleep's continuation would run. */
class ScheduledCall implements Timer, TimerHandle {
  index = -1;
  #cancelled = false;

  constructor(
    readonly at: number,
    readonly seq: number,
    private readonly heap: TimerHeap,
    private readonly callback: () => void,
  ) {}

  fire(): void {
    // the closure is made only here: most watchdog timers are cancelled, never fired
    queueMicrotask(() => {
      if (!this.#cancelled) this.callback();
    });
  }

  cancel(): void {
    this.#cancelled = true;
    this.heap.remove(this);
  }
}

const NEVER: TimerHandle = { cancel() {} };

function never(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((_, reject) =>
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true }),
  );
}

/** Resolves on the next macrotask turn, after every queued microtask has run. */
function settled(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #advancing = false;
  readonly #heap = new TimerHeap();
  /**
   * Sleeps waiting on each signal. One abort listener per signal instead of one per sleep: the
   * simulated adapter sleeps once per stream chunk on the same attempt signal, and adding and
   * removing a DOM listener each time was the simulator's largest single cost.
   */
  readonly #groups = new WeakMap<AbortSignal, Set<SleepTimer>>();

  readonly #lazyAbort: boolean;

  constructor(start = 0, options: ManualClockOptions = {}) {
    this.#now = start;
    this.#lazyAbort = options.lazyAbort === true;
  }

  now(): number {
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
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!(ms > 0)) return Promise.resolve();
    if (ms === Number.POSITIVE_INFINITY) return never(signal); // must not drag runUntilIdle to infinity
    return new Promise<void>((resolve, reject) => {
      if (signal !== undefined && this.#lazyAbort) {
        const fire = (): void => (signal.aborted ? reject(signal.reason) : resolve());
        this.#heap.push({ at: this.#now + ms, seq: this.#seq++, index: -1, fire });
        return;
      }
      const group = signal ? this.#groupOf(signal) : null;
      const timer: SleepTimer = { at: this.#now + ms, seq: this.#seq++, index: -1, fire: resolve, fail: reject, group };
      group?.add(timer);
      this.#heap.push(timer);
    });
  }

  schedule(ms: number, fire: () => void): TimerHandle {
    if (ms === Number.POSITIVE_INFINITY) return NEVER;
    const call = new ScheduledCall(this.#now + Math.max(0, ms), this.#seq++, this.#heap, fire);
    if (ms > 0) this.#heap.push(call);
    else call.fire(); // due now: runs like an already-resolved sleep would
    return call;
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + Math.max(0, ms));
  }

  /** Fires every timer due up to `target` in order, letting awaiting code run after each instant. */
  async advanceTo(target: number): Promise<void> {
    this.#enter();
    try {
      await this.#fireUntil(target, Number.POSITIVE_INFINITY);
      if (target > this.#now) this.#now = target;
      await settled();
    } finally {
      this.#advancing = false;
    }
  }

  /** Fires timers until none are left (or `maxTimers` instants ran); returns how many instants ran. */
  async runUntilIdle(maxTimers = 1_000_000): Promise<number> {
    this.#enter();
    try {
      return await this.#fireUntil(Number.POSITIVE_INFINITY, maxTimers);
    } finally {
      this.#advancing = false;
    }
  }

  /**
   * One instant per macrotask turn: each turn fires the timers due next, and the microtasks they
   * set off all run before the following turn. A chain of setImmediate callbacks does this without
   * a promise and an async resumption per instant.
   */
  #fireUntil(target: number, maxInstants: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let instants = 0;
      const step = (): void => {
        try {
          const top = this.#heap.peek();
          if (top === undefined || top.at > target || instants >= maxInstants) return resolve(instants);
          this.#fireDue(top.at);
          instants++;
          setImmediate(step);
        } catch (err) {
          reject(err);
        }
      };
      setImmediate(step);
    });
  }

  /** Lets pending promise chains run without moving time. */
  drain(): Promise<void> {
    return settled();
  }

  #groupOf(signal: AbortSignal): Set<SleepTimer> {
    let group = this.#groups.get(signal);
    if (group === undefined) {
      const timers = (group = new Set());
      this.#groups.set(signal, timers);
      // no `once` option: a signal aborts only once, and parsing the options costs a third
      signal.addEventListener("abort", () => {
        for (const t of timers) {
          this.#heap.remove(t);
          t.fail(signal.reason);
        }
        timers.clear();
      });
    }
    return group;
  }

  #fireDue(at: number): void {
    this.#now = at;
    for (let t = this.#heap.peek(); t !== undefined && t.at === at; t = this.#heap.peek()) {
      this.#heap.pop();
      (t as Partial<SleepTimer>).group?.delete(t as SleepTimer);
      t.fire();
    }
  }

  #enter(): void {
    if (this.#advancing) throw new Error("manual clock is already advancing; await the previous advance first");
    this.#advancing = true;
  }
}
