// The response cache around the engine: outside its routing graph, but keyed on the rule the
// engine matched (the engine's `onMatched` hook tells it before any attempt). A hit answers with
// no attempt at all, so it costs $0 and counts against no provider quota; it still passes the
// front door like any request. Only whole successes are stored: a completion, or a stream that
// ended with `done` after no continuation. A broken, continued, cut or cancelled stream never is.
import type { Graph } from "../../compile/graph.ts";
import type {
  ChatOutcome,
  MatchedHook,
  MatchedRule,
  OutcomeMeta,
  StreamEvent,
  StreamEvents,
} from "../../runtime/api.ts";
import type { ChatCompletion } from "../../runtime/upstream.ts";
import { clientKey } from "../auth.ts";
import { replayAsStream, StreamFold } from "./answer.ts";
import { cacheKey, type CacheDialect } from "./key.ts";
import type { CachePlacement, CacheStoreStats, ResponseCacheStore } from "./store.ts";

/** The `x-switchyard-cache` value: served from the cache, looked up and not found, or not used. */
export type CacheStatus = "hit" | "miss" | "bypass";
export const CACHE_HEADER = "x-switchyard-cache";

export interface CacheStats extends CacheStoreStats {
  hits: number;
  misses: number;
  /** Requests to a caching rule that skipped the cache (`n > 1`, `Cache-Control: no-store|no-cache`). */
  bypasses: number;
}

/** What one request brings to the cache. */
export interface CacheRequest {
  graph: Graph;
  dialect: CacheDialect;
  body: Record<string, unknown>;
  /** The client's request: its Cache-Control, and its key for tenant isolation. */
  req: Request;
}

/** A request's side of the cache: the hook to hand the engine, and what to serve once it answered. */
export interface CacheSession {
  readonly status: CacheStatus;
  readonly hook: MatchedHook | undefined;
  settle(outcome: ChatOutcome): ChatOutcome;
}

/** The session of every request on a graph where no rule caches: shared, so such requests pay nothing. */
const NO_CACHE: CacheSession = { status: "bypass", hook: undefined, settle: (outcome) => outcome };

/** `n > 1` asks for several different answers; the client's Cache-Control may refuse a stored one. */
export function clientBypasses(body: Record<string, unknown>, headers: Headers): boolean {
  if (typeof body.n === "number" && body.n > 1) return true;
  const cc = headers.get("cache-control");
  return cc !== null && /(?:^|[\s,])no-(?:store|cache)(?:$|[\s,=])/i.test(cc);
}

export class ResponseCache {
  private readonly caching = new WeakMap<Graph, boolean>();
  private hits = 0;
  private misses = 0;
  private bypasses = 0;

  constructor(readonly store: ResponseCacheStore) {}

  /** A cache whose counters `metrics` exports with the gateway's other metrics. */
  static exported(store: ResponseCacheStore, metrics: { watchCache(stats: () => CacheStats): void }): ResponseCache {
    const cache = new ResponseCache(store);
    metrics.watchCache(() => cache.stats());
    return cache;
  }

  /** One request's cache session; one shared no-op session when no rule of the graph caches. */
  begin(r: CacheRequest): CacheSession {
    return this.graphCaches(r.graph) ? new RequestCache(this, r) : NO_CACHE;
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, bypasses: this.bypasses, ...this.store.stats() };
  }

  /** @internal counters, bumped by the request sessions */
  count(status: CacheStatus): void {
    if (status === "hit") this.hits++;
    else if (status === "miss") this.misses++;
    else this.bypasses++;
  }

  private graphCaches(graph: Graph): boolean {
    let on = this.caching.get(graph);
    if (on === undefined) {
      on = graph.routes.some((route) => route.rules.some((rule) => rule.settings.cache !== undefined));
      this.caching.set(graph, on);
    }
    return on;
  }
}

class RequestCache implements CacheSession {
  status: CacheStatus = "bypass";
  readonly hook: MatchedHook;
  private pending: { key: string; place: CachePlacement } | null = null;

  constructor(
    private readonly cache: ResponseCache,
    private readonly r: CacheRequest,
  ) {
    this.hook = (matched, meta) => this.onMatched(matched, meta);
  }

  private async onMatched(matched: MatchedRule, meta: OutcomeMeta): Promise<ChatOutcome | null> {
    const settings = matched.cache;
    if (settings === null) return null;
    if (clientBypasses(this.r.body, this.r.req.headers)) {
      this.cache.count("bypass");
      return null;
    }
    const key = cacheKey({ matched, dialect: this.r.dialect, body: this.r.body, callerKey: clientKey(this.r.req) });
    const place = {
      partition: matched.rule,
      ttlMs: settings.ttlMs,
      maxEntries: settings.maxEntries,
      maxBytes: settings.maxBytes,
    };
    const stored = await this.cache.store.get(place.partition, key).catch(() => null); // a failing store is a miss
    if (stored === null) {
      this.status = "miss";
      this.cache.count("miss");
      this.pending = { key, place };
      return null;
    }
    this.status = "hit";
    this.cache.count("hit");
    return this.replay(JSON.parse(stored) as ChatCompletion, meta);
  }

  private replay(body: ChatCompletion, meta: OutcomeMeta): ChatOutcome {
    meta.servedModel = body.model || null;
    if (this.r.body.stream !== true) return { kind: "completion", body, meta };
    const options = this.r.body.stream_options as { include_usage?: unknown } | undefined;
    return { kind: "stream", events: replayAsStream(body, options?.include_usage === true), meta };
  }

  /** On a miss, arranges for the outcome to be stored once it is a whole success; returns what to serve. */
  settle(outcome: ChatOutcome): ChatOutcome {
    const pending = this.pending;
    if (pending === null) return outcome;
    this.pending = null;
    if (outcome.kind === "completion") this.put(pending, outcome.body);
    if (outcome.kind !== "stream") return outcome;
    const fold = new StreamFold();
    const meta = outcome.meta;
    const events = observed(outcome.events, (e) => {
      if (e.type === "chunk") fold.add(e.chunk);
      else if (e.type === "done" && meta.continuations === 0 && meta.errorClass === null)
        this.put(pending, fold.completion(meta.usage));
    });
    return { ...outcome, events };
  }

  private put(p: { key: string; place: CachePlacement }, body: ChatCompletion): void {
    // storing is best effort: a store failure must never fail the request that was served
    this.cache.store.set(p.key, JSON.stringify(body), p.place).catch(() => {});
  }
}

/** The same events with `see` called on each, keeping the stream's synchronous `takeReady` fast path. */
function observed(events: StreamEvents, see: (e: StreamEvent) => void): StreamEvents {
  const inner = events[Symbol.asyncIterator]();
  const it: AsyncIterableIterator<StreamEvent> & StreamEvents = {
    async next() {
      const r = await inner.next();
      if (r.done !== true) see(r.value);
      return r;
    },
    async return(value?: unknown) {
      return (await inner.return?.(value)) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  const take = events.takeReady?.bind(events);
  if (take !== undefined) {
    it.takeReady = () => {
      const e = take();
      if (e !== undefined) see(e);
      return e;
    };
  }
  return it;
}
