// The response cache's HTTP side. The cache itself (key, store, sessions, what may be stored) is
// src/cache, shared with the simulator; here it gets what only a server knows: the caller is
// whoever presented the key (the tenant a cached answer belongs to), the `x-switchyard-cache`
// header that says what the cache did, the metrics that export its counters, and, with shared
// state, the Redis store serve puts it in.
import type { CacheDialect } from "../cache/key.ts";
import { type CacheRequest, ResponseCache } from "../cache/response-cache.ts";
import { RedisCacheStore } from "../cache/redis-store.ts";
import type { ResponseCacheStore } from "../cache/store.ts";
import type { SharedStateNode } from "../compile/graph.ts";
import type { Clock, SecretSource } from "../runtime/ports.ts";
import { clientKey } from "./auth.ts";
import type { RequestContext } from "./context.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { eventLogLine, type LogSink } from "./request-log.ts";

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

/**
 * With shared state the response cache lives in the same Redis (its own connection), so every
 * instance answers from the same entries; lookups wait at most the block's `timeout`. It connects
 * on first use: a policy without a caching rule never touches it.
 */
export function redisCacheFor(node: SharedStateNode, env: SecretSource, clock: Clock, log: LogSink): RedisCacheStore {
  return new RedisCacheStore({
    url: env.get(node.redisUrlEnv)!,
    prefix: node.prefix,
    clock,
    lookupTimeoutMs: node.timeoutMs,
    connectTimeoutMs: Math.max(node.timeoutMs, 200),
    log: (event, detail) => log(eventLogLine(event, clock.now(), detail)),
  });
}
