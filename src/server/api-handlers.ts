// POST /v1/chat/completions and /v1/embeddings: authenticate, read and validate the body, check the
// route, hand the request to the engine and turn its outcome into an OpenAI-shaped response.
import type { ChatOutcome, EmbeddingsOutcome, OpenAIErrorBody, OutcomeMeta } from "../runtime/api.ts";
import { identifyCaller } from "./key-auth.ts";
import type { CacheStatus } from "../cache/response-cache.ts";
import { CACHE_HEADER, cacheRequest } from "./cache-wiring.ts";
import { readJsonBody } from "./body.ts";
import type { GatewayCore, RequestContext } from "./context.ts";
import { errorBody, errorResponse, invalidApiKey, jsonResponse, jsonTextResponse } from "./errors.ts";
import { finalStreamComment, outcomeHeaders, overheadMs } from "./outcome-headers.ts";
import { unknownModel } from "../runtime/engine.ts";
import { ChatBody, EmbeddingsBody, validate } from "./schemas.ts";
import { sseBody, type SseFrames } from "./sse-stream.ts";

type Endpoint = "chat" | "embeddings";

/** Shared front half: auth, body, schema, route. Returns the body or the error response already finished. */
async function admit(
  core: GatewayCore,
  ctx: RequestContext,
  endpoint: Endpoint,
): Promise<Record<string, unknown> | Response> {
  const fail = (res: Response, error: string): Response => {
    core.finish(ctx, {
      endpoint,
      status: res.status,
      meta: null,
      stream: false,
      ttftMs: null,
      engineStartedAt: null,
      error,
    });
    return res;
  };
  if (core.draining())
    return fail(
      errorResponse(503, "the gateway is shutting down: retry on another instance", {
        code: "shutting_down",
        headers: { "retry-after": "1" },
      }),
      "draining",
    );
  const caller = identifyCaller(ctx.req, ctx.live.graph, core.secrets);
  if (!caller.ok) return fail(invalidApiKey(), "invalid_api_key");
  ctx.key = caller.key;
  const read = await readJsonBody(ctx.req, ctx.live.graph.gateway.maxBodyBytes);
  if (!read.ok) return fail(errorResponse(read.status, read.message, { code: read.code }), read.code);
  const checked = validate(endpoint === "chat" ? ChatBody : EmbeddingsBody, read.value);
  if (!checked.ok)
    return fail(errorResponse(400, checked.message, { param: checked.param, code: "invalid_body" }), "invalid_body");
  const route = checked.body.model as string;
  if (!ctx.live.addressable.has(route)) {
    const answer = unknownModel(route, ctx.live.addressable);
    return fail(jsonResponse(answer.status, answer.error), "model_not_found");
  }
  return checked.body;
}

/** Links the client's disconnect to the engine request. */
export function abortOnDisconnect(req: Request): AbortController {
  const abort = new AbortController();
  if (req.signal.aborted) abort.abort(req.signal.reason);
  else req.signal.addEventListener("abort", () => abort.abort(req.signal.reason), { once: true });
  return abort;
}

/** The engine's error outcome as is (it is already OpenAI-shaped), with a retry-after when it gave one. */
export function errorOutcomeResponse(
  outcome: { status: number; error: unknown; retryAfterS: number | null },
  headers: Record<string, string>,
): Response {
  if (outcome.retryAfterS !== null && outcome.retryAfterS >= 0)
    headers["retry-after"] = String(Math.max(1, Math.ceil(outcome.retryAfterS)));
  return jsonResponse(outcome.status, outcome.error, headers);
}

export async function handleChat(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, "chat");
  if (body instanceof Response) return body;
  const clock = core.ports.clock;
  // Only a stream needs its own controller (its body can be cancelled without the request's signal
  // firing); a plain completion follows the request's signal directly, one controller cheaper.
  const abort = body.stream === true ? abortOnDisconnect(ctx.req) : null;
  const engineStartedAt = clock.now();
  const cache = core.cache.begin(cacheRequest(ctx, "chat", body));
  let outcome: ChatOutcome;
  try {
    outcome = cache.settle(
      await ctx.live.engine.chat({
        id: ctx.id,
        route: body.model as string,
        body,
        headers: ctx.req.headers,
        signal: abort?.signal ?? ctx.req.signal,
        receivedAt: ctx.receivedAt,
        key: ctx.key ?? null,
        trace: core.debugDecisions,
        onMatched: cache.hook,
      }),
    );
  } catch (err) {
    return engineFailed(core, ctx, "chat", engineStartedAt, err);
  }
  const base = { endpoint: "chat" as const, meta: outcome.meta, engineStartedAt };
  if (outcome.kind !== "stream") {
    const headers = outcomeHeaders(
      outcome.meta,
      ctx.id,
      overheadMs(outcome.meta, ctx.receivedAt, engineStartedAt, clock.now(), false),
      false,
    );
    headers[CACHE_HEADER] = cache.status;
    const res =
      outcome.kind !== "completion"
        ? errorOutcomeResponse(outcome, headers)
        : cache.answerText !== null
          ? jsonTextResponse(200, cache.answerText, headers)
          : jsonResponse(200, outcome.body, headers);
    core.finish(ctx, { ...base, status: res.status, stream: false, ttftMs: null, error: null, cache: cache.status });
    return res;
  }
  return streamResponse(core, ctx, outcome, abort ?? abortOnDisconnect(ctx.req), engineStartedAt, {
    endpoint: "chat",
    cache: cache.status,
  });
}

/** A running engine stream as an SSE response; `frames` writes another dialect's events (OpenAI chunks when absent). */
export async function streamResponse(
  core: GatewayCore,
  ctx: RequestContext,
  outcome: Extract<ChatOutcome, { kind: "stream" }>,
  abort: AbortController,
  engineStartedAt: number,
  dialect: { endpoint: "chat" | "messages" | "responses"; frames?: SseFrames; cache?: CacheStatus } = {
    endpoint: "chat",
  },
): Promise<Response> {
  const clock = core.ports.clock;
  const headers = outcomeHeaders(
    outcome.meta,
    ctx.id,
    overheadMs(outcome.meta, ctx.receivedAt, engineStartedAt, clock.now(), true),
    true,
  );
  headers[CACHE_HEADER] = dialect.cache ?? "bypass";
  // Shutdown may cut this stream once the drain time is over: the engine request is aborted (a
  // cancellation, which never counts against the provider) and the client gets an error event.
  let cut: OpenAIErrorBody | null = null;
  const release = core.hold(() => {
    cut ??= errorBody(
      "the gateway is shutting down and ended this stream before it finished; retry the request",
      "server_error",
      "gateway_shutdown",
    );
    abort.abort(new DOMException("the gateway is shutting down", "AbortError"));
  });
  ctx.logged = true; // the stream's end writes the line
  let ttftMs: number | null = null;
  const body = await sseBody(outcome.events, {
    abort,
    cutError: () => cut,
    frames: dialect.frames,
    onFirstChunk: () => {
      ttftMs = clock.now() - ctx.receivedAt;
    },
    onEnd: (end) => {
      const error =
        end === "done"
          ? null
          : end === "cancelled"
            ? "client_cancelled"
            : end === "cut"
              ? "gateway_shutdown"
              : (outcome.meta.errorClass ?? "stream_error");
      core.finish(ctx, {
        endpoint: dialect.endpoint,
        status: 200,
        meta: outcome.meta,
        stream: true,
        ttftMs,
        engineStartedAt,
        error,
        cache: dialect.cache,
      });
      release();
    },
    finalComment: () => finalStreamComment(outcome.meta),
  });
  return new Response(body, {
    status: 200,
    headers: {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}

export async function handleEmbeddings(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, "embeddings");
  if (body instanceof Response) return body;
  const clock = core.ports.clock;
  const abort = abortOnDisconnect(ctx.req);
  const engineStartedAt = clock.now();
  let outcome: EmbeddingsOutcome;
  try {
    outcome = await ctx.live.engine.embeddings({
      id: ctx.id,
      route: body.model as string,
      body,
      headers: ctx.req.headers,
      signal: abort.signal,
      receivedAt: ctx.receivedAt,
      key: ctx.key ?? null,
      trace: core.debugDecisions,
    });
  } catch (err) {
    return engineFailed(core, ctx, "embeddings", engineStartedAt, err);
  }
  const headers = outcomeHeaders(
    outcome.meta,
    ctx.id,
    overheadMs(outcome.meta, ctx.receivedAt, engineStartedAt, clock.now(), false),
    false,
  );
  const res = outcome.kind === "ok" ? jsonResponse(200, outcome.body, headers) : errorOutcomeResponse(outcome, headers);
  core.finish(ctx, {
    endpoint: "embeddings",
    status: res.status,
    meta: outcome.meta,
    stream: false,
    ttftMs: null,
    engineStartedAt,
    error: null,
  });
  return res;
}

/** An engine bug must not leak a stack trace (or whatever the exception carries) to the client. */
function engineFailed(
  core: GatewayCore,
  ctx: RequestContext,
  endpoint: Endpoint,
  engineStartedAt: number,
  err: unknown,
): Response {
  const meta: OutcomeMeta | null = null;
  const name = err instanceof Error ? err.name : "unknown";
  const res = errorResponse(500, "the gateway failed to handle this request", {
    code: "internal_error",
    type: "server_error",
  });
  core.finish(ctx, {
    endpoint,
    status: 500,
    meta,
    stream: false,
    ttftMs: null,
    engineStartedAt,
    error: `engine_threw:${name}`,
  });
  return res;
}
