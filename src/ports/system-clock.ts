// The real clock, for `serve`: epoch-aligned milliseconds (quota windows align to UTC days) that
// never go backwards (performance.now drives it after one Date.now anchor), and abortable sleeps.
import type { Clock, TimerHandle } from "../runtime/ports.ts";
import { TimerHeap, type Timer } from "./timer-heap.ts";

/** setTimeout fires at once for delays past 2^31-1 ms; longer sleeps are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export class SystemClock implements Clock {
  readonly #epochAtStart = Date.now();
  readonly #perfAtStart = performance.now();

  now(): number {
    return this.#epochAtStart + (performance.now() - this.#perfAtStart);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let handle: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        clearTimeout(handle);
        reject(signal!.reason);
      };
      const wait = (left: number): void => {
        handle = setTimeout(
          () => {
            if (left > MAX_TIMER_MS) return wait(left - MAX_TIMER_MS);
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
          Math.min(Math.max(0, left), MAX_TIMER_MS),
        );
      };
      if (Number.isFinite(ms)) wait(ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Watchdog timers share one real timer: every attempt arms and cancels one, and a setTimeout plus
   * clearTimeout per attempt costs more than the rest of the routing decision. They wait in a heap;
   * the real timer is set for the earliest and re-set only when an earlier one arrives.
   */
  schedule(ms: number, fire: () => void): TimerHandle {
    if (!Number.isFinite(ms)) return { cancel: () => {} };
    const timer: Timer = { at: performance.now() + Math.max(0, ms), seq: this.#seq++, index: -1, fire };
    this.#timers.push(timer);
    if (this.#timers.peek() === timer) this.#arm(timer.at);
    // Cancelling leaves the real timer set: it wakes once, finds nothing due and re-arms for the
    // next, which is cheaper than a clearTimeout + setTimeout pair per request at low concurrency.
    return { cancel: () => void this.#timers.remove(timer) };
  }

  readonly #timers = new TimerHeap();
  #seq = 0;
  #realTimer: ReturnType<typeof setTimeout> | undefined;
  #realAt = Number.POSITIVE_INFINITY;

  #arm(at: number): void {
    if (this.#realTimer !== undefined && this.#realAt <= at) return;
    if (this.#realTimer !== undefined) clearTimeout(this.#realTimer);
    this.#realAt = at;
    this.#realTimer = setTimeout(() => this.#fireDue(), Math.min(Math.max(0, at - performance.now()), MAX_TIMER_MS));
    // Watchdogs guard I/O that keeps the process alive by itself; a watchdog alone must not.
    this.#realTimer.unref?.();
  }

  #fireDue(): void {
    this.#realTimer = undefined;
    this.#realAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    for (let next = this.#timers.peek(); next !== undefined && next.at <= now; next = this.#timers.peek()) {
      this.#timers.pop();
      try {
        next.fire();
      } catch (err) {
        queueMicrotask(() => {
          throw err; // one failing callback must not stop the others; it still surfaces
        });
      }
    }
    const next = this.#timers.peek();
    if (next !== undefined) this.#arm(next.at);
  }
}

export const systemClock: Clock = new SystemClock();
