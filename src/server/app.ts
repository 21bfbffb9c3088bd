// The gateway as a plain fetch(Request) → Response app (Hono style): tests call it directly and
// serve.ts hands it to Bun.serve. It owns the live graph+engine pair, swaps it on reload, counts
// in-flight requests for draining, and closes out every request with one log line and metrics.
import type { Graph } from "../compile/graph.ts";
import type { CreateEngine, Engine, Observer, OutcomeMeta, RuntimeState } from "../runtime/api.ts";
import { addressableNames, createEngine as realEngine, unknownModel } from "../runtime/engine.ts";
import type { Ports, SecretSource } from "../runtime/ports.ts";
import { policyRedactor, type Redactor } from "../runtime/redactor.ts";
import type { AdapterSet } from "../runtime/upstream.ts";
import {
  handleAdminExplain,
  handleAdminKeys,
  handleAdminReload,
  handleAdminSnapshot,
  handleAdminState,
} from "./admin.ts";
import { handleChat, handleEmbeddings } from "./api-handlers.ts";
import { handleCountTokens, handleMessages } from "./dialects/messages/handler.ts";
import { handleInputTokens, handleResponses, handleStoredResponse } from "./dialects/responses/handler.ts";
import type { GatewayCore, Live, ReloadOutcome, RequestContext, SharedHooks } from "./context.ts";
import { errorResponse, invalidApiKey, jsonResponse } from "./errors.ts";
import { identifyCaller, metricsAllowed } from "./key-auth.ts";
import { GatewayMetrics } from "./metrics.ts";
import { MemoryCacheStore } from "./cache/memory-store.ts";
import { requestFinisher } from "./request-finisher.ts";
import { CACHE_HEADER, ResponseCache } from "./cache/response-cache.ts";
import type { ResponseCacheStore } from "./cache/store.ts";
import { findModel, listModels } from "./models.ts";
import { requestIdFor } from "./request-id.ts";
import { requestPath } from "./request-path.ts";
import { eventLogLine, type LogSink } from "./request-log.ts";

export interface GatewayOptions {
  graph: Graph;
  ports: Ports;
  adapters: AdapterSet;
  /** Defaults to the real engine; tests of the HTTP layer pass a fake. */
  createEngine?: CreateEngine;
  /** Receives one JSON line per request and per notable event (reload, breaker change). */
  log?: LogSink;
  /** Where client keys and the admin token are read; defaults to ports.secrets. */
  secrets?: SecretSource;
  /** Recompiles the policy file for POST /admin/reload (see reload.ts); absent: nothing to reload. */
  reloadPolicy?: () => Promise<ReloadOutcome>;
  /** Runtime state to start from (a loaded snapshot); later graphs inherit the live engine's state. */
  initialState?: RuntimeState;
  /** Writes a state snapshot on demand (POST /admin/snapshot); absent: no `--state` file. */
  snapshot?: () => Promise<{ bytes: number; ms: number }>;
  /** The event-loop lag in seconds for /metrics (serve's sampler); absent: not exported. */
  eventLoopLag?: () => number;
  /** State shared with other instances (src/state/shared/sync.ts); absent: this instance alone. */
  shared?: SharedHooks;
  /** Where cached responses live; defaults to an in-memory LRU on the injected clock. */
  cacheStore?: ResponseCacheStore;
}

export interface Gateway {
  fetch(req: Request): Promise<Response>;
  /** Swaps in a new graph atomically; in-flight requests finish on the engine they started on. */
  reload(graph: Graph): void;
  /** Makes /readyz answer 503 while everything else is still served (the start of shutdown). */
  markNotReady(): void;
  /** Stops admitting API requests and resolves once every in-flight request has finished. */
  drain(): Promise<void>;
  /** Ends every running stream with an error event (shutdown gave up waiting); returns how many. */
  cutStreams(): number;
  engine(): Engine;
  graph(): Graph;
  inflight(): number;
}

type Handler = (core: GatewayCore, ctx: RequestContext) => Response | Promise<Response>;

/** Paths are accepted with and without the `/v1` prefix, since SDKs differ in where baseURL ends. */
const API_ROUTES: Record<string, Record<string, Handler>> = {
  "/chat/completions": { POST: handleChat },
  "/embeddings": { POST: handleEmbeddings },
  "/messages": { POST: handleMessages },
  "/messages/count_tokens": { POST: handleCountTokens },
  "/responses": { POST: handleResponses },
  "/responses/input_tokens": { POST: handleInputTokens },
  "/models": { GET: handleModels },
};

/** `/responses/{id}` and below: the stored-response endpoints, all answered with "nothing is stored". */
const STORED_RESPONSE_ROUTES: Record<string, Handler> = {
  GET: handleStoredResponse,
  POST: handleStoredResponse,
  DELETE: handleStoredResponse,
};

const OPS_ROUTES: Record<string, Record<string, Handler>> = {
  "/healthz": { GET: () => jsonResponse(200, { status: "ok" }) },
  "/readyz": { GET: handleReady },
  "/metrics": { GET: handleMetrics },
  "/admin/state": { GET: handleAdminState },
  "/admin/keys": { GET: handleAdminKeys },
  "/admin/reload": { POST: handleAdminReload },
  "/admin/snapshot": { POST: handleAdminSnapshot },
  "/admin/explain": { POST: handleAdminExplain },
};

/** An unparsable request target is logged only this far (it is client-controlled). */
const MAX_LOGGED_TARGET = 200;

/** Health checks and scrapes arrive every few seconds; a log line each would drown the requests. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const noHold = (): void => {};

function handleModels(core: GatewayCore, ctx: RequestContext): Response {
  if (!identifyCaller(ctx.req, ctx.live.graph, core.secrets).ok) return invalidApiKey();
  return jsonResponse(200, listModels(ctx.live.graph, core.loadedAt()));
}

function handleMetrics(core: GatewayCore, ctx: RequestContext): Response {
  if (!metricsAllowed(ctx.req, ctx.live.graph, core.secrets)) return invalidApiKey();
  return new Response(core.metricsText(), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
}

/** `/v1/models/{id}`; the id may itself contain `/` (quoted names like `openai/gpt-4o`). */
const MODEL_PATH = /^(?:\/v1)?\/models\/(.+)$/;
const MODEL_ROUTE: Record<string, Handler> = { GET: handleModel };

function handleModel(core: GatewayCore, ctx: RequestContext): Response {
  if (!identifyCaller(ctx.req, ctx.live.graph, core.secrets).ok) return invalidApiKey();
  const raw = MODEL_PATH.exec(ctx.path)![1]!;
  let id = raw;
  try {
    id = decodeURIComponent(raw); // SDKs percent-encode the id
  } catch {
    // not valid percent-encoding: look the raw text up, which fails with the usual 404
  }
  const entry = findModel(ctx.live.graph, core.loadedAt(), id);
  if (entry !== null) return jsonResponse(200, entry);
  const answer = unknownModel(id, ctx.live.addressable);
  return jsonResponse(answer.status, answer.error);
}

/** Ready while Redis is down too: the instance serves on local state, and taking every instance out of the load balancer would fail every request. */
function handleReady(core: GatewayCore): Response {
  if (!core.ready()) return jsonResponse(503, { status: core.draining() ? "draining" : "shutting_down" });
  if (core.shared) return jsonResponse(200, { status: "ready", shared_state: core.shared.up ? "up" : "degraded" });
  return jsonResponse(200, { status: "ready" });
}

function isApiPath(path: string): boolean {
  return Object.hasOwn(API_ROUTES, path.startsWith("/v1/") ? path.slice(3) : path) || MODEL_PATH.test(path);
}

function lookup(path: string): Record<string, Handler> | undefined {
  const bare = path.startsWith("/v1/") ? path.slice(3) : path;
  if (Object.hasOwn(API_ROUTES, bare)) return API_ROUTES[bare];
  if (MODEL_PATH.test(path)) return MODEL_ROUTE;
  if (bare.startsWith("/responses/")) return STORED_RESPONSE_ROUTES;
  return Object.hasOwn(OPS_ROUTES, path) ? OPS_ROUTES[path] : undefined;
}

/** Breaker changes go to the log (and to the other instances); finished requests only to the shared state. */
function gatewayObserver(log: LogSink, shared: SharedHooks | null): Observer {
  return {
    breaker: (model, from, to, at) => {
      log(eventLogLine("breaker", at, { model, from, to }));
      shared?.breakerChanged(model, from, to, at);
    },
    // only with shared state: a hook per request costs nothing when nobody listens
    ...(shared ? { requestDone: (meta: OutcomeMeta) => shared.requestDone(meta) } : {}),
  };
}

export function createGateway(opts: GatewayOptions): Gateway {
  const { ports, adapters } = opts;
  const createEngine = opts.createEngine ?? realEngine;
  const secrets = opts.secrets ?? ports.secrets;
  const sink: LogSink = opts.log ?? (() => {});
  // Every line passes the live policy's redactor: no secret, whole or in part, reaches the log.
  let redactor = policyRedactor(opts.graph, secrets); // rebuilt on reload, never per line
  const log: LogSink = (line) => sink(redactor.redact(line));
  const work = new InFlightWork();
  let draining = false;
  let ready = true;
  let loadedAt = Math.floor(ports.clock.now() / 1000); // the injected clock, like every other time here

  const shared = opts.shared ?? null;
  const observer = gatewayObserver(log, shared);
  const build = (graph: Graph, previous: Engine | null): Live => ({
    graph,
    engine: createEngine({ graph, ports, adapters, observer, state: previous ? previous.state() : opts.initialState }),
    addressable: addressableNames(graph),
  });
  let live = build(opts.graph, null);
  const metrics = new GatewayMetrics(
    () => live,
    () => work.count,
    opts.eventLoopLag ?? null,
    shared,
  );

  const core: GatewayCore = {
    ports,
    secrets,
    cache: ResponseCache.exported(opts.cacheStore ?? new MemoryCacheStore(ports.clock), metrics),
    loadedAt: () => loadedAt,
    metricsText: () => metrics.render(),
    draining: () => draining,
    ready: () => ready && !draining,
    reloadPolicy: opts.reloadPolicy ?? null,
    snapshot: opts.snapshot ?? null,
    shared,
    hold: (cut) => work.hold(cut),
    finish: requestFinisher(ports.clock, metrics, log),
  };

  return {
    async fetch(req: Request): Promise<Response> {
      const receivedAt = ports.clock.now();
      const target = requestPath(req.url);
      const path = target ?? req.url.slice(0, MAX_LOGGED_TARGET);
      const ctx: RequestContext = { req, path, id: requestIdFor(req), receivedAt, live, logged: false };
      // Probes and scrapes are not work to drain, and a scrape must not count itself as in flight.
      const done = QUIET_PATHS.has(path) ? noHold : core.hold();
      let res: Response;
      try {
        res =
          target === null
            ? errorResponse(400, "the request target is not a valid path", { code: "invalid_request_target" })
            : await dispatch(core, req, ctx, redactor);
      } catch (err) {
        // Never a stack trace to the client; the log line names only the error type.
        log(
          eventLogLine("internal_error", ports.clock.now(), {
            id: ctx.id,
            path,
            error: err instanceof Error ? err.name : "unknown",
          }),
        );
        res = errorResponse(500, "the gateway failed to handle this request", { code: "internal_error" });
      } finally {
        done();
      }
      stampHeaders(res, ctx.id, target);
      // Requests the API handlers did not close out (404, 405, models, admin) still get their line; probes do not.
      if (!ctx.logged && !QUIET_PATHS.has(path))
        core.finish(ctx, {
          endpoint: null,
          status: res.status,
          meta: null,
          stream: false,
          ttftMs: null,
          engineStartedAt: null,
          error: null,
        });
      return res;
    },
    reload(graph: Graph): void {
      redactor = policyRedactor(graph, secrets);
      live = build(graph, live.engine);
      loadedAt = Math.floor(ports.clock.now() / 1000);
      log(
        eventLogLine("reload", ports.clock.now(), { sources: graph.sources, routes: graph.routes.map((r) => r.name) }),
      );
    },
    markNotReady(): void {
      ready = false;
    },
    cutStreams: () => work.cutAll(),
    drain(): Promise<void> {
      draining = true;
      return work.drained();
    },
    engine: () => live.engine,
    graph: () => live.graph,
    inflight: () => work.count,
  };
}

async function dispatch(core: GatewayCore, req: Request, ctx: RequestContext, redactor: Redactor): Promise<Response> {
  const methods = lookup(ctx.path);
  // the path is the client's text and may hold a key pasted into a url: scrubbed like a log line
  if (!methods)
    return errorResponse(404, redactor.redact(`no endpoint \`${ctx.path}\``), {
      code: "not_found",
      type: "not_found_error",
    });
  const handler = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
  if (!handler) {
    const allow = Object.keys(methods).join(", ");
    return errorResponse(405, `method \`${req.method}\` is not allowed on \`${ctx.path}\`; use ${allow}`, {
      code: "method_not_allowed",
      headers: { allow },
    });
  }
  return handler(core, ctx);
}

/** Every response names its request; every API answer also says whether the cache served it (handlers set hit and miss). */
function stampHeaders(res: Response, id: string, target: string | null): void {
  if (!res.headers.has("x-request-id")) res.headers.set("x-request-id", id);
  if (target !== null && isApiPath(target) && !res.headers.has(CACHE_HEADER)) res.headers.set(CACHE_HEADER, "bypass");
}

/** Requests (and streams) under way: what a drain waits for and what a shutdown cuts. */
class InFlightWork {
  count = 0;
  /** How to cut each running stream at shutdown. */
  readonly #cuts = new Set<() => void>();
  #drained: (() => void)[] = [];

  /** Counts one piece of work until the returned release is called (once; later calls do nothing). */
  hold(cut?: () => void): () => void {
    this.count++;
    if (cut) this.#cuts.add(cut);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (cut) this.#cuts.delete(cut);
      this.#release();
    };
  }

  cutAll(): number {
    const running = [...this.#cuts];
    for (const cut of running) cut();
    return running.length;
  }

  /** Resolves once nothing is in flight. */
  drained(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #release(): void {
    this.count--;
    if (this.count === 0 && this.#drained.length > 0) {
      const waiting = this.#drained;
      this.#drained = [];
      for (const resolve of waiting) resolve();
    }
  }
}
