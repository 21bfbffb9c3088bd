// What a drain waits for and what a shutdown cuts: the gateway's count of requests (and streams)
// under way, kept apart from app.ts so the request plumbing stays readable on its own.
/** Requests (and streams) under way: what a drain waits for and what a shutdown cuts. */
export class InFlightWork {
  count = 0;
  /** How to cut each running stream at shutdown. */
  readonly #cuts = new Set<() => void>();
  #drained: (() => void)[] = [];

  /** Counts one piece of work until the returned release is called (once; later calls do nothing). */
  hold(cut?: () => void): () => void {
    this.count++;
    if (cut) this.#cuts.add(cut);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (cut) this.#cuts.delete(cut);
      this.#release();
    };
  }

  cutAll(): number {
    const running = [...this.#cuts];
    for (const cut of running) cut();
    return running.length;
  }

  /** Resolves once nothing is in flight. */
  drained(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #release(): void {
    this.count--;
    if (this.count === 0 && this.#drained.length > 0) {
      const waiting = this.#drained;
      this.#drained = [];
      for (const resolve of waiting) resolve();
    }
  }
}
