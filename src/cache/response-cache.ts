// The response cache around the engine, shared by serve and simulate: outside its routing graph,
// but keyed on the rule the engine matched (the engine's `onMatched` hook tells it before any
// attempt). A hit answers with no attempt at all, so it costs $0 and counts against no provider
// quota; what the stored answer cost when it was bought is counted as saved. Only whole successes
// are stored: a completion, or a stream that ended with `done` after no continuation. A broken,
// continued, cut or cancelled stream never is. HTTP concerns (the response header, who the caller
// is) stay with the server; the simulator drives the same sessions with its own requests.
import type { Graph } from "../compile/graph.ts";
import type { ChatOutcome, HeaderView, MatchedHook, MatchedRule, OutcomeMeta, StreamEvents } from "../runtime/api.ts";
import type { ChatCompletion } from "../runtime/upstream.ts";
import { observed, replayAsStream, StreamFold } from "./answer.ts";
import { decodeEntry, encodeEntry } from "./entry.ts";
import { cacheKey, type CacheDialect } from "./key.ts";
import type { CachePlacement, CacheStoreStats, ResponseCacheStore } from "./store.ts";

/** What the cache did for a request: served from it, looked up and not found, or not used. */
export type CacheStatus = "hit" | "miss" | "bypass";

export interface CacheStats extends CacheStoreStats {
  hits: number;
  misses: number;
  /** Requests to a caching rule that skipped the cache (`n > 1`, `Cache-Control: no-store|no-cache`). */
  bypasses: number;
  /** What the answers served from the cache cost when they were first bought, in USD. */
  savedUsd: number;
}

/** What one request brings to the cache. */
export interface CacheRequest {
  graph: Graph;
  dialect: CacheDialect;
  /** The engine's (OpenAI chat) body. */
  body: Record<string, unknown>;
  /** The client's headers: its Cache-Control. */
  headers: HeaderView;
  /** The declared key's name, or null. */
  key: string | null;
}

/** Who a cached answer belongs to (see `shared`); by default the declared key's name. */
export type TenantOf = (r: CacheRequest) => string | null;

/** A request's side of the cache: the hook to hand the engine, and what to serve once it answered. */
export interface CacheSession {
  readonly status: CacheStatus;
  readonly hook: MatchedHook | undefined;
  settle(outcome: ChatOutcome): ChatOutcome;
  /**
   * A completion's JSON text once `settle` serialised it for the store: a server that answers with
   * the completion as it is writes this text rather than serialising the same object again.
   */
  readonly answerText: string | null;
}

/** The session of every request on a graph where no rule caches: shared, so such requests pay nothing. */
const NO_CACHE: CacheSession = { status: "bypass", hook: undefined, settle: (outcome) => outcome, answerText: null };

const NO_STORE = /(?:^|[\s,])no-(?:store|cache)(?:$|[\s,=])/i;

/** `n > 1` asks for several different answers; the client's Cache-Control may refuse a stored one. */
export function clientBypasses(body: Record<string, unknown>, headers: HeaderView): boolean {
  if (typeof body.n === "number" && body.n > 1) return true;
  const cc = headers.get("cache-control");
  return cc !== null && NO_STORE.test(cc);
}

export class ResponseCache {
  private readonly caching = new WeakMap<Graph, boolean>();
  private hits = 0;
  private misses = 0;
  private bypasses = 0;
  private savedUsd = 0;

  constructor(
    readonly store: ResponseCacheStore,
    readonly tenantOf: TenantOf = (r) => r.key,
  ) {}

  /** One request's cache session; one shared no-op session when no rule of the graph caches. */
  begin(r: CacheRequest): CacheSession {
    return this.graphCaches(r.graph) ? new RequestCache(this, r) : NO_CACHE;
  }

  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      bypasses: this.bypasses,
      savedUsd: this.savedUsd,
      ...this.store.stats(),
    };
  }

  /** @internal counters, bumped by the request sessions */
  count(status: CacheStatus, savedUsd = 0): void {
    if (status === "hit") {
      this.hits++;
      this.savedUsd += savedUsd;
    } else if (status === "miss") this.misses++;
    else this.bypasses++;
  }

  /** Whether any rule of the graph caches (computed once per graph). */
  graphCaches(graph: Graph): boolean {
    let on = this.caching.get(graph);
    if (on === undefined) {
      on = graph.routes.some((route) => route.rules.some((rule) => rule.settings.cache !== undefined));
      this.caching.set(graph, on);
    }
    return on;
  }
}

type Pending = { key: string; place: CachePlacement };

class RequestCache implements CacheSession {
  status: CacheStatus = "bypass";
  answerText: string | null = null;
  readonly hook: MatchedHook;
  private pending: Pending | null = null;

  constructor(
    private readonly cache: ResponseCache,
    private readonly r: CacheRequest,
  ) {
    this.hook = (matched, meta) => this.onMatched(matched, meta);
  }

  /** Synchronous while the store is (the in-memory one): a miss then adds no promise to the request. */
  private onMatched(matched: MatchedRule, meta: OutcomeMeta): ChatOutcome | null | Promise<ChatOutcome | null> {
    const settings = matched.cache;
    if (settings === null) return null;
    if (clientBypasses(this.r.body, this.r.headers)) {
      this.cache.count("bypass");
      return null;
    }
    const key = cacheKey({ matched, dialect: this.r.dialect, body: this.r.body, tenant: this.cache.tenantOf(this.r) });
    const place = {
      partition: matched.rule,
      ttlMs: settings.ttlMs,
      maxEntries: settings.maxEntries,
      maxBytes: settings.maxBytes,
    };
    let stored: string | null | Promise<string | null>;
    try {
      stored = this.cache.store.get(place.partition, key);
    } catch {
      stored = null; // a failing store is a miss
    }
    if (stored instanceof Promise)
      return stored.then(
        (text) => this.found(text, { key, place }, meta),
        () => this.found(null, { key, place }, meta),
      );
    return this.found(stored, { key, place }, meta);
  }

  private found(stored: string | null, pending: Pending, meta: OutcomeMeta): ChatOutcome | null {
    const entry = stored === null ? null : decodeEntry(stored);
    if (entry === null) {
      this.status = "miss";
      this.cache.count("miss");
      this.pending = pending;
      return null;
    }
    this.status = "hit";
    this.cache.count("hit", entry.costUsd);
    return this.replay(entry.answer, meta);
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
    if (outcome.kind === "completion") {
      this.answerText = JSON.stringify(outcome.body);
      this.put(pending, this.answerText, outcome.meta.costUsd);
    }
    if (outcome.kind !== "stream") return outcome;
    return { ...outcome, events: this.capture(outcome.events, outcome.meta, pending) };
  }

  /** The stream's events, folded into a completion on the way and stored at a clean end. */
  private capture(events: StreamEvents, meta: OutcomeMeta, pending: Pending) {
    const fold = new StreamFold(pending.place.maxBytes);
    return observed(events, (e) => {
      // once it can no longer be stored (continued, or too big to fit), stop paying for the fold
      if (fold.dropped) return;
      if (meta.continuations > 0) fold.drop();
      else if (e.type === "chunk") fold.add(e.chunk);
      else if (e.type === "done" && meta.errorClass === null)
        this.put(pending, JSON.stringify(fold.completion(meta.usage)), meta.costUsd);
    });
  }

  private put(p: Pending, answerText: string, costUsd: number): void {
    // storing is best effort: a store failure must never fail the request that was served
    try {
      const done = this.cache.store.set(p.key, encodeEntry(answerText, costUsd), p.place);
      if (done instanceof Promise) done.catch(() => {});
    } catch {}
  }
}
