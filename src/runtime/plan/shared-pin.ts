// Sticky sessions across instances: after the local plan, the cluster's pin for the session (when
// shared state gives one) goes first among the viable candidates, so a client the load balancer
// moves keeps its model. Only a request with a sticky session key asks; a pin known fresh is had
// without a promise, and an unknown or stale one waits at most the store's timeout (the pins bound it).
import type { RequestCtx } from "../flow/context.ts";
import type { ModelEntry } from "./tables.ts";

/** `viable` with the cluster's pinned model first (when it is viable), or as it was. */
export function withSharedPin(ctx: RequestCtx, viable: ModelEntry[]): ModelEntry[] | Promise<ModelEntry[]> {
  const pins = ctx.core.stickyPins;
  const key = ctx.stickyKey;
  if (pins === null || key === null || viable.length < 2) return viable;
  const pin = pins.pinned(key);
  if (typeof pin === "string" || pin === null) return pinFirst(ctx, key, viable, pin);
  return pin.then(
    (model) => pinFirst(ctx, key, viable, model),
    () => viable, // the pins bound and absorb store failures; a reject here still never fails a request
  );
}

function pinFirst(ctx: RequestCtx, key: string, viable: ModelEntry[], model: string | null): ModelEntry[] {
  if (model === null) return viable;
  const at = viable.findIndex((m) => m.name === model);
  if (at <= 0) return viable;
  ctx.core.sticky.set(key, model); // this instance follows the cluster from now on
  const out = viable.slice();
  out.unshift(...out.splice(at, 1));
  return out;
}
