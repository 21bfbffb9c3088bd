// The lifetime of one upstream attempt: its abort signal (aborted on our deadlines, on failover and
// when the client goes away, so adapters release the connection), its watchdog, and `race`, which
// lets the engine stop waiting on an upstream the moment the attempt is aborted. The abort state is
// plain fields; a real AbortController is made only when something reads `signal` (a real
// transport), since one per attempt was the largest single cost of a simulated request.
import { ClientGone, DeadlineExceeded, type TimeoutPhase } from "./classify.ts";
import type { ClientWatch } from "./client-watch.ts";
import { LightSignal } from "./light-signal.ts";
import type { Clock } from "../ports.ts";
import { Watchdog } from "./watchdog.ts";

export type WatchPhase = TimeoutPhase | "grace";

type Reject = (reason: unknown) => void;

export class AttemptRun {
  readonly startedAt: number;
  readonly #watchdog: Watchdog<WatchPhase>;
  /** The request's client watch, or null when this run listens to the client signal itself. */
  readonly #watch: ClientWatch | null;
  #onClientAbort: (() => void) | null = null;
  #aborted = false;
  #reason: unknown = undefined;
  #controller: AbortController | null = null;
  #light: LightSignal | null = null;
  /** The rejecter of the race() call waiting (one at a time in the engine), then any others. */
  #waiting: Reject | null = null;
  #moreWaiting: Set<Reject> | null = null;

  constructor(
    readonly clock: Clock,
    private readonly clientSignal: AbortSignal,
    /** Request-wide deadline (timeout.total); no phase deadline may pass it. */
    readonly requestDeadline: number,
    /** One listener per request forwarding client aborts to the live attempt (the engine's path). */
    watch: ClientWatch | null = null,
  ) {
    this.startedAt = clock.now();
    this.#watch = watch;
    // every abort goes through abort() below, so no listener on our own signal is needed
    this.#watchdog = new Watchdog<WatchPhase>(clock, "total", this);
    if (clientSignal.aborted) this.abort(new ClientGone());
    else if (watch !== null) watch.attach(this);
    else {
      this.#onClientAbort = () => this.abort(new ClientGone());
      clientSignal.addEventListener("abort", this.#onClientAbort);
    }
  }

  /** A real AbortSignal, made on first use and aborted along with the run. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** The cheap stand-in for `signal`, for adapters that declare `lightSignal`. */
  get lightSignal(): AbortSignal {
    if (this.#light === null) {
      this.#light = new LightSignal();
      if (this.#aborted) this.#light.fire(this.#reason);
    }
    return this.#light as unknown as AbortSignal;
  }

  get aborted(): boolean {
    return this.#aborted;
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

  /** The watchdog's callback (the run is its own listener: no closure per attempt). */
  onWatchdog(phase: WatchPhase): void {
    this.abort(new DeadlineExceeded(phase));
  }

  /**
   * `p`, or the abort reason as soon as this run is aborted. Not Promise.race against one shared
   * promise: that leaves a reaction on it per call, and a stream races once per chunk, so a long
   * stream would hold one per chunk until it ends.
   */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.#aborted) return Promise.race([p, Promise.reject(this.#reason)]);
    return new Promise<T>((resolve, reject) => {
      if (this.#waiting === null) this.#waiting = reject;
      else (this.#moreWaiting ??= new Set()).add(reject);
      p.then(
        (value) => {
          this.#stopWaiting(reject);
          resolve(value);
        },
        (err: unknown) => {
          this.#stopWaiting(reject);
          reject(err);
        },
      );
    });
  }

  #stopWaiting(reject: Reject): void {
    if (this.#waiting === reject) this.#waiting = null;
    else this.#moreWaiting?.delete(reject);
  }

  abort(reason: Error): void {
    if (!this.#aborted) {
      this.#aborted = true;
      this.#reason = reason;
      this.#controller?.abort(reason);
      this.#light?.fire(reason);
      const first = this.#waiting;
      this.#waiting = null;
      first?.(reason);
      if (this.#moreWaiting !== null) {
        for (const reject of this.#moreWaiting) reject(reason);
        this.#moreWaiting.clear();
      }
    }
    this.finish();
  }

  get clientGone(): boolean {
    return this.#reason instanceof ClientGone;
  }

  /** What ended this run, if the engine ended it. */
  get abortReason(): DeadlineExceeded | ClientGone | null {
    const r = this.#reason;
    return r instanceof DeadlineExceeded || r instanceof ClientGone ? r : null;
  }

  /** Stops the watchdog and unhooks from the client signal (the attempt is over or handed on). */
  finish(): void {
    this.#watchdog.stop();
    if (this.#watch !== null) this.#watch.detach(this);
    else if (this.#onClientAbort !== null) {
      this.clientSignal.removeEventListener("abort", this.#onClientAbort);
      this.#onClientAbort = null;
    }
  }
}
