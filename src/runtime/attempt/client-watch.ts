// One abort listener per request on the client's signal, forwarding a disconnect to whichever
// attempt is live, instead of every attempt adding and removing its own. The watch is its own
// listener object (handleEvent), so hooking costs no closure.
import type { AttemptRun } from "./attempt-run.ts";
import { ClientGone } from "./classify.ts";

/**
 * The engine's signal for a request without one (`ChatRequest.signal` absent: no client can leave,
 * as in the simulator). It never aborts, and no listener is added for it, which was a tenth of the
 * engine's own per-request work there.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

export class ClientWatch {
  #current: AttemptRun | null = null;
  #hooked = false;

  constructor(readonly signal: AbortSignal) {}

  /** `run` is now the live attempt; the listener is added with the request's first attempt. */
  attach(run: AttemptRun): void {
    this.#current = run;
    if (!this.#hooked && this.signal !== NEVER_ABORTED) {
      this.#hooked = true;
      this.signal.addEventListener("abort", this);
    }
  }

  /** `run` is over; a later attempt attaches itself. */
  detach(run: AttemptRun): void {
    if (this.#current === run) this.#current = null;
  }

  handleEvent(): void {
    this.#current?.abort(new ClientGone());
  }

  /** The request is over: unhook from the client signal. */
  close(): void {
    this.#current = null;
    if (this.#hooked) {
      this.#hooked = false;
      this.signal.removeEventListener("abort", this);
    }
  }
}
