// The lifetime of one upstream attempt: its AbortSignal (aborted on our deadlines, on failover and
// when the client goes away, so adapters release the connection), its watchdog, and `race`, which
// lets the engine stop waiting on an upstream the moment that signal fires.
import { ClientGone, DeadlineExceeded, type TimeoutPhase } from "./classify.ts";
import type { Clock } from "./ports.ts";
import { Watchdog } from "./watchdog.ts";

export type WatchPhase = TimeoutPhase | "grace";

export class AttemptRun {
  readonly controller = new AbortController();
  readonly startedAt: number;
  readonly #watchdog: Watchdog<WatchPhase>;
  readonly #onClientAbort: () => void;
  /** Rejecters of the race() calls still waiting. */
  readonly #waiting = new Set<(reason: unknown) => void>();

  constructor(
    readonly clock: Clock,
    private readonly clientSignal: AbortSignal,
    /** Request-wide deadline (timeout.total); no phase deadline may pass it. */
    readonly requestDeadline: number,
  ) {
    this.startedAt = clock.now();
    // every abort goes through abort() below, so no listener on our own signal is needed
    this.#watchdog = new Watchdog<WatchPhase>(clock, "total", (phase) => this.abort(new DeadlineExceeded(phase)));
    this.#onClientAbort = () => this.abort(new ClientGone());
    if (clientSignal.aborted) this.abort(new ClientGone());
    else clientSignal.addEventListener("abort", this.#onClientAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Arms the watchdog for `phase` ending at `at`, capped by the request deadline. */
  arm(phase: WatchPhase, at: number): void {
    if (at >= this.requestDeadline) this.#watchdog.arm("total", this.requestDeadline);
    else this.#watchdog.arm(phase, at);
  }

  /**
   * While the consumer holds a chunk we are not waiting on the upstream, so only the request
   * deadline applies (a slow reader must not look like an idle upstream).
   */
  hold(): void {
    this.#watchdog.arm("total", this.requestDeadline);
  }

  /**
   * `p`, or the abort reason as soon as this run is aborted. Not Promise.race against one shared
   * promise: that leaves a reaction on it per call, and a stream races once per chunk, so a long
   * stream would hold one per chunk until it ends.
   */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.controller.signal.aborted) return Promise.race([p, Promise.reject(this.controller.signal.reason as unknown)]);
    return new Promise<T>((resolve, reject) => {
      this.#waiting.add(reject);
      p.then(
        (value) => {
          this.#waiting.delete(reject);
          resolve(value);
        },
        (err: unknown) => {
          this.#waiting.delete(reject);
          reject(err);
        },
      );
    });
  }

  abort(reason: Error): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(reason);
      for (const reject of this.#waiting) reject(reason);
      this.#waiting.clear();
    }
    this.finish();
  }

  get clientGone(): boolean {
    return this.controller.signal.reason instanceof ClientGone;
  }

  /** What ended this run, if the engine ended it. */
  get abortReason(): DeadlineExceeded | ClientGone | null {
    const r: unknown = this.controller.signal.reason;
    return r instanceof DeadlineExceeded || r instanceof ClientGone ? r : null;
  }

  /** Stops the watchdog and unhooks from the client signal (the attempt is over or handed on). */
  finish(): void {
    this.#watchdog.stop();
    this.clientSignal.removeEventListener("abort", this.#onClientAbort);
  }
}
