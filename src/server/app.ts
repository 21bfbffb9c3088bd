// The gateway as a plain fetch(Request) → Response app (Hono style): tests call it directly and
// serve.ts hands it to Bun.serve. It owns the live graph+engine pair, swaps it on reload, counts
// in-flight requests for draining, and closes out every request with one log line and metrics.
import type { Graph } from "../compile/graph.ts";
import type { CreateEngine, Engine, Observer, OutcomeMeta, RuntimeState } from "../runtime/api.ts";
import { addressableNames, createEngine as realEngine } from "../runtime/engine.ts";
import type { Ports, SecretSource } from "../runtime/ports.ts";
import { policyRedactor, type Redactor } from "../runtime/redactor.ts";
import type { AdapterSet } from "../runtime/upstream.ts";
import type { GatewayCore, Live, ReloadOutcome, RequestContext, SharedHooks } from "./context.ts";
import { errorResponse } from "./errors.ts";
import { InFlightWork } from "./in-flight.ts";
import { GatewayMetrics } from "./metrics.ts";
import { MemoryCacheStore } from "../cache/memory-store.ts";
import { requestFinisher } from "./request-finisher.ts";
import type { ResponseCacheStore } from "../cache/store.ts";
import { CACHE_HEADER, serverCache } from "./cache-wiring.ts";
import { requestIdFor } from "./request-id.ts";
import { requestPath } from "./request-path.ts";
import { eventLogLine, type LogSink } from "./request-log.ts";
import { dispatch, isApiPath } from "./routes.ts";

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
  /** `serve --debug-decisions`: every /v1 answer carries x-switchyard-decision and its log line a `decision`. */
  debugDecisions?: boolean;
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

/** An unparsable request target is logged only this far (it is client-controlled). */
const MAX_LOGGED_TARGET = 200;

/** Health checks and scrapes arrive every few seconds; a log line each would drown the requests. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const noHold = (): void => {};

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
    engine: createEngine({
      graph,
      ports,
      adapters,
      observer,
      state: previous ? previous.state() : opts.initialState,
      ...(shared?.stickyPins ? { stickyPins: shared.stickyPins } : {}),
      ...(shared?.quotaLeases ? { quotaLeases: shared.quotaLeases() } : {}),
    }),
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
    cache: serverCache(opts.cacheStore ?? new MemoryCacheStore(ports.clock), metrics),
    loadedAt: () => loadedAt,
    metricsText: () => metrics.render(),
    draining: () => draining,
    ready: () => ready && !draining,
    reloadPolicy: opts.reloadPolicy ?? null,
    debugDecisions: opts.debugDecisions === true,
    snapshot: opts.snapshot ?? null,
    shared,
    hold: (cut) => work.hold(cut),
    finish: requestFinisher(ports.clock, metrics, log),
  };

  return {
    fetch: (req: Request): Promise<Response> => answerRequest(core, req, live, redactor, log),
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

/** One request end to end: dispatch, a 500 (never a stack trace) for anything that throws, headers, the log line. */
async function answerRequest(
  core: GatewayCore,
  req: Request,
  live: Live,
  redactor: Redactor,
  log: LogSink,
): Promise<Response> {
  const receivedAt = core.ports.clock.now();
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
      eventLogLine("internal_error", core.ports.clock.now(), {
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
}

/** Every response names its request; every API answer also says whether the cache served it (handlers set hit and miss). */
function stampHeaders(res: Response, id: string, target: string | null): void {
  if (!res.headers.has("x-request-id")) res.headers.set("x-request-id", id);
  if (target !== null && isApiPath(target) && !res.headers.has(CACHE_HEADER)) res.headers.set(CACHE_HEADER, "bypass");
}
