// The real clock, for `serve`: epoch-aligned milliseconds (quota windows align to UTC days) that
// never go backwards (performance.now drives it after one Date.now anchor), and abortable sleeps.
import type { Clock } from "./ports.ts";

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
        handle = setTimeout(() => {
          if (left > MAX_TIMER_MS) return wait(left - MAX_TIMER_MS);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, Math.min(Math.max(0, left), MAX_TIMER_MS));
      };
      if (Number.isFinite(ms)) wait(ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

export const systemClock: Clock = new SystemClock();
