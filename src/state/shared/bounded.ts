// Every wait on the shared store is bounded by the policy's `timeout` on the injected clock: a slow
// or unreachable Redis turns into a rejection the caller handles by going on with local state.
import type { Clock } from "../../runtime/ports.ts";

/** `p`, or a rejection once `timeoutMs` has passed on `clock`. */
export function bounded<T>(clock: Clock, timeoutMs: number, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.schedule(timeoutMs, () =>
      reject(new Error(`shared state did not answer within ${timeoutMs} ms`)),
    );
    p.then(
      (v) => (timer.cancel(), resolve(v)),
      (e) => (timer.cancel(), reject(e)),
    );
  });
}
