// A stand-in for an attempt's AbortSignal, for adapters that declare (ProviderAdapter.lightSignal)
// they only read `aborted` and `reason` and listen for `abort`: never hand it to fetch or another
// platform API. An AbortController per attempt was a tenth of a simulated request's cost; this is
// a plain object, and listeners are only stored when an adapter really waits on an abort.
type AbortListener =
  | ((this: unknown, event: { type: "abort" }) => void)
  | { handleEvent(event: { type: "abort" }): void };

const ABORT_EVENT = { type: "abort" } as const;

export class LightSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((event: { type: "abort" }) => void) | null = null;
  #listeners: AbortListener[] | null = null;

  addEventListener(type: string, listener: AbortListener | null): void {
    if (type !== "abort" || listener === null || this.aborted) return;
    (this.#listeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: AbortListener | null): void {
    if (type !== "abort" || this.#listeners === null) return;
    const i = this.#listeners.indexOf(listener as AbortListener);
    if (i >= 0) this.#listeners.splice(i, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Aborts once with `reason`, calling listeners in the order they were added (then forgets them). */
  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = null;
    this.onabort?.(ABORT_EVENT);
    if (listeners === null) return;
    for (const l of listeners) {
      if (typeof l === "function") l.call(this, ABORT_EVENT);
      else l.handleEvent(ABORT_EVENT);
    }
  }
}
