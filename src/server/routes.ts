// Which handler answers which method and path: the API endpoints (with and without `/v1`), the
// model lookups, and the ops and admin endpoints, plus the 404/405 answers when nothing matches.
import { unknownModel } from "../runtime/engine.ts";
import type { Redactor } from "../runtime/redactor.ts";
import {
  handleAdminExplain,
  handleAdminKeys,
  handleAdminReload,
  handleAdminSnapshot,
  handleAdminState,
} from "./admin.ts";
import { handleChat, handleEmbeddings } from "./api-handlers.ts";
import type { GatewayCore, RequestContext } from "./context.ts";
import { anthropicErrorResponse } from "./dialects/messages/errors.ts";
import { handleCountTokens, handleMessages } from "./dialects/messages/handler.ts";
import { handleInputTokens, handleResponses, handleStoredResponse } from "./dialects/responses/handler.ts";
import { errorResponse, invalidApiKey, jsonResponse } from "./errors.ts";
import { identifyCaller, metricsAllowed } from "./key-auth.ts";
import { findModel, listModels } from "./models.ts";

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

export function isApiPath(path: string): boolean {
  return Object.hasOwn(API_ROUTES, path.startsWith("/v1/") ? path.slice(3) : path) || MODEL_PATH.test(path);
}

function lookup(path: string): Record<string, Handler> | undefined {
  const bare = path.startsWith("/v1/") ? path.slice(3) : path;
  if (Object.hasOwn(API_ROUTES, bare)) return API_ROUTES[bare];
  if (MODEL_PATH.test(path)) return MODEL_ROUTE;
  if (bare.startsWith("/responses/")) return STORED_RESPONSE_ROUTES;
  return Object.hasOwn(OPS_ROUTES, path) ? OPS_ROUTES[path] : undefined;
}

/** `/v1/messages` and below belong to Anthropic's API: its SDKs parse only Anthropic's error shape there. */
function isMessagesPath(path: string): boolean {
  const bare = path.startsWith("/v1/") ? path.slice(3) : path;
  return bare === "/messages" || bare.startsWith("/messages/");
}

/** The 404 or 405 for a path, in the error shape of the API the path belongs to (OpenAI's unless Anthropic's). */
function noRoute(path: string, status: 404 | 405, message: string, headers: Record<string, string> = {}): Response {
  if (isMessagesPath(path)) return anthropicErrorResponse(status, message, headers);
  if (status === 404) return errorResponse(404, message, { code: "not_found", type: "not_found_error" });
  return errorResponse(405, message, { code: "method_not_allowed", headers });
}

export async function dispatch(
  core: GatewayCore,
  req: Request,
  ctx: RequestContext,
  redactor: Redactor,
): Promise<Response> {
  const methods = lookup(ctx.path);
  // the path is the client's text and may hold a key pasted into a url: scrubbed like a log line
  if (!methods) return noRoute(ctx.path, 404, redactor.redact(`no endpoint \`${ctx.path}\``));
  const handler = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
  if (!handler) {
    const allow = Object.keys(methods).join(", ");
    const message = `method \`${req.method}\` is not allowed on \`${ctx.path}\`; use ${allow}`;
    return noRoute(ctx.path, 405, message, { allow });
  }
  return handler(core, ctx);
}
