// The real clock, for `serve`: epoch-aligned milliseconds (quota windows align to UTC days) that
// never go backwards (performance.now drives it after one Date.now anchor), and abortable sleeps.
import type { Clock } from "./ports.ts";

export class SystemClock implements Clock {
  readonly #epochAtStart = Date.now();
  readonly #perfAtStart = performance.now();

  now(): number {
    return this.#epochAtStart + (performance.now() - this.#perfAtStart);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(handle);
        reject(signal!.reason);
      };
      const handle = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

export const systemClock: Clock = new SystemClock();
