// The response cache's HTTP side. The cache itself (key, store, sessions, what may be stored) is
// src/cache, shared with the simulator; here it gets what only a server knows: the caller is
// whoever presented the key (the tenant a cached answer belongs to), the `x-switchyard-cache`
// header that says what the cache did, and the metrics that export its counters.
import type { CacheDialect } from "../cache/key.ts";
import { type CacheRequest, ResponseCache } from "../cache/response-cache.ts";
import type { ResponseCacheStore } from "../cache/store.ts";
import { clientKey } from "./auth.ts";
import type { RequestContext } from "./context.ts";
import type { GatewayMetrics } from "./metrics.ts";

export const CACHE_HEADER = "x-switchyard-cache";

/** The gateway's cache: answers belong to the key the caller presented; its counters are in /metrics. */
export function serverCache(store: ResponseCacheStore, metrics: Pick<GatewayMetrics, "watchCache">): ResponseCache {
  const cache = new ResponseCache(store, clientKey);
  metrics.watchCache(() => cache.stats());
  return cache;
}

/** What a request brings to the cache: its graph, dialect, the engine's body and the client's headers. */
export function cacheRequest(ctx: RequestContext, dialect: CacheDialect, body: Record<string, unknown>): CacheRequest {
  return { graph: ctx.live.graph, dialect, body, headers: ctx.req.headers, key: ctx.key ?? null };
}
