// The front half every dialect's handler shares: refuse while draining, identify the caller's key,
// read and validate the body (naming the offending field), check the route, and call the engine
// without letting an engine bug leak a stack trace. Each dialect passes its own error shape.
import * as v from "valibot";
import type { ChatOutcome } from "../../runtime/api.ts";
import type { NativeRequest } from "../../runtime/upstream.ts";
import { unknownModel } from "../../runtime/engine.ts";
import { identifyCaller } from "../key-auth.ts";
import { readJsonBody } from "../body.ts";
import type { Finish, GatewayCore, RequestContext } from "../context.ts";
import { outcomeHeaders, overheadMs } from "../outcome-headers.ts";
import { describeIssue, issuePath } from "../schemas.ts";
import type { CacheStatus } from "../../cache/response-cache.ts";
import { CACHE_HEADER, cacheRequest } from "../cache-wiring.ts";

export type DialectEndpoint = "messages" | "responses";

/** A dialect's error response for a status and message; `param` names the field when there is one. */
export type Reject = (
  status: number,
  message: string,
  extra?: { param?: string | null; code?: string; headers?: Record<string, string> },
) => Response;

export interface FrontDoor<T> {
  endpoint: DialectEndpoint;
  schema: v.GenericSchema<unknown, T>;
  reject: Reject;
  /** The 401 for a missing or wrong client key, saying which headers are read. */
  invalidKey(): Response;
}

export type Checked<T> = { ok: true; body: T } | { ok: false; message: string; param: string | null };

/**
 * The body, or a message naming the offending field. A union (string or blocks) reports its
 * own path only; the nested issue that failed deepest names the field the client got wrong.
 */
export function checkBody<T>(schema: v.GenericSchema<unknown, T>, input: unknown): Checked<T> {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { ok: false, message: "request body must be a json object", param: null };
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, body: result.output };
  const issue = deepest(result.issues[0]);
  const param = issuePath(issue.path);
  return { ok: false, message: describeIssue(param, issue), param };
}

/** The innermost issue, its path made whole: a union's own issues carry paths relative to the union. */
function deepest(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown> {
  let best = issue;
  for (const inner of issue.issues ?? []) {
    const candidate = deepest(inner);
    const path = [...(issue.path ?? []), ...(candidate.path ?? [])];
    if (path.length > (best.path?.length ?? 0)) best = { ...candidate, path: path as v.BaseIssue<unknown>["path"] };
  }
  return best;
}

const notCalled = { meta: null, stream: false, ttftMs: null, engineStartedAt: null } satisfies Partial<Finish>;

/** Auth, body, schema, route; the body or the error response, already logged. */
export async function admit<T extends { model: string }>(
  core: GatewayCore,
  ctx: RequestContext,
  door: FrontDoor<T>,
): Promise<T | Response> {
  const fail = (res: Response, error: string): Response => {
    core.finish(ctx, { endpoint: door.endpoint, status: res.status, ...notCalled, error });
    return res;
  };
  if (core.draining())
    return fail(
      door.reject(503, "the gateway is shutting down: retry on another instance", {
        code: "shutting_down",
        headers: { "retry-after": "1" },
      }),
      "draining",
    );
  const caller = identifyCaller(ctx.req, ctx.live.graph, core.secrets);
  if (!caller.ok) return fail(door.invalidKey(), "invalid_api_key");
  ctx.key = caller.key; // the declared key's name: the engine admits and books it, the log names it
  const read = await readJsonBody(ctx.req, ctx.live.graph.gateway.maxBodyBytes);
  if (!read.ok) return fail(door.reject(read.status, read.message, { code: read.code }), read.code);
  const checked = checkBody(door.schema, read.value);
  if (!checked.ok)
    return fail(door.reject(400, checked.message, { param: checked.param, code: "invalid_body" }), "invalid_body");
  const route = checked.body.model;
  if (!ctx.live.addressable.has(route)) {
    const answer = unknownModel(route, ctx.live.addressable); // the same did-you-mean as chat completions
    return fail(
      door.reject(answer.status, answer.error.error.message, { param: "model", code: "model_not_found" }),
      "model_not_found",
    );
  }
  return checked.body;
}

/**
 * The engine's outcome for a translated chat body, through the response cache (what it did is
 * `cache`), or the dialect's 500 (logged) if the engine threw.
 */
export async function callEngine(
  core: GatewayCore,
  ctx: RequestContext,
  door: { endpoint: DialectEndpoint; reject: Reject },
  request: { route: string; chat: Record<string, unknown>; native?: NativeRequest; signal: AbortSignal },
): Promise<{ outcome: ChatOutcome; engineStartedAt: number; cache: CacheStatus } | Response> {
  const engineStartedAt = core.ports.clock.now();
  const cache = core.cache.begin(cacheRequest(ctx, door.endpoint, request.chat));
  try {
    const outcome = cache.settle(
      await ctx.live.engine.chat({
        id: ctx.id,
        route: request.route,
        body: request.chat,
        native: request.native,
        headers: ctx.req.headers,
        signal: request.signal,
        receivedAt: ctx.receivedAt,
        key: ctx.key ?? null,
        trace: core.debugDecisions,
        onMatched: cache.hook,
      }),
    );
    return { outcome, engineStartedAt, cache: cache.status };
  } catch (err) {
    // An engine bug must not leak a stack trace (or whatever the exception carries) to the client.
    const name = err instanceof Error ? err.name : "unknown";
    core.finish(ctx, {
      endpoint: door.endpoint,
      status: 500,
      meta: null,
      stream: false,
      ttftMs: null,
      engineStartedAt,
      error: `engine_threw:${name}`,
    });
    return door.reject(500, "the gateway failed to handle this request", { code: "internal_error" });
  }
}

export type WholeOutcome = Exclude<ChatOutcome, { kind: "stream" }>;

/**
 * A non-stream outcome as the dialect's response: the gateway's outcome headers (and what the
 * cache did) on whatever `render` builds, and the request closed out. Both dialects end this way.
 */
export function wholeAnswer(
  core: GatewayCore,
  ctx: RequestContext,
  endpoint: DialectEndpoint,
  called: { outcome: WholeOutcome; engineStartedAt: number; cache: CacheStatus },
  render: (outcome: WholeOutcome, headers: Record<string, string>) => Response,
): Response {
  const { outcome, engineStartedAt, cache } = called;
  const overhead = overheadMs(outcome.meta, ctx.receivedAt, engineStartedAt, core.ports.clock.now(), false);
  const headers = outcomeHeaders(outcome.meta, ctx.id, overhead, false);
  headers[CACHE_HEADER] = cache;
  const res = render(outcome, headers);
  core.finish(ctx, {
    endpoint,
    meta: outcome.meta,
    engineStartedAt,
    status: res.status,
    stream: false,
    ttftMs: null,
    error: null,
    cache,
  });
  return res;
}
