// Retry decisions for a failed attempt: whether to try the same model again, and how long to wait
// (exponential backoff with jitter drawn from the Random port, or the upstream's Retry-After when
// it is within the cap; a longer Retry-After means failing over now instead of waiting).
import type { Settings } from "../../compile/graph.ts";
import type { Failure } from "./classify.ts";
import type { Random } from "../ports.ts";

export type RetryPolicy = Settings["retry"];

export function isRetryable(f: Failure, retry: RetryPolicy): boolean {
  if (f.status !== null && retry.onStatuses.includes(f.status)) return true;
  return retry.onClasses.includes(f.cls);
}

/** Delay before retry number `n` (0-based): min(max, base·2^n), minus up to `jitter` of it at random. */
export function backoffMs(n: number, retry: RetryPolicy, random: Random): number {
  const full = Math.min(retry.backoffMaxMs, retry.backoffBaseMs * 2 ** n);
  const jitter = Math.min(1, Math.max(0, retry.jitter));
  return Math.max(0, Math.round(full * (1 - jitter * random.next())));
}

/** How long to wait before retrying the same model, or null to fail over to the next one. */
export function retryDelay(f: Failure, n: number, retry: RetryPolicy, random: Random): number | null {
  if (f.retryAfterMs !== null && f.retryAfterMs > 0) {
    return f.retryAfterMs <= retry.retryAfterCapMs ? f.retryAfterMs : null;
  }
  return backoffMs(n, retry, random);
}
