// POST /v1/messages and /v1/messages/count_tokens: the Anthropic front door. Authenticate
// (x-api-key or bearer), read and validate the body, translate it to the engine's chat request,
// and translate the engine's outcome back (a Message, an Anthropic event stream, or an
// Anthropic-shaped error). Everything between is the same engine the chat endpoint uses.
import type * as v from "valibot";
import type { ChatOutcome } from "../../../runtime/api.ts";
import { inferChatNeeds, unknownModel } from "../../../runtime/engine.ts";
import { abortOnDisconnect, streamResponse } from "../../api-handlers.ts";
import { clientAllowed } from "../../auth.ts";
import { CACHE_HEADER } from "../../cache/response-cache.ts";
import { readJsonBody } from "../../body.ts";
import type { GatewayCore, RequestContext } from "../../context.ts";
import { jsonResponse } from "../../errors.ts";
import { outcomeHeaders, overheadMs } from "../../outcome-headers.ts";
import { anthropicErrorResponse, fromOpenAIError, invalidMessagesKey } from "./errors.ts";
import { completionToMessage, messageId } from "./from-chat.ts";
import { checkBody, CountTokensBody, MessagesBody } from "./schema.ts";
import { messagesFrames } from "./stream.ts";
import { messagesToChat, promptToChat } from "./to-chat.ts";

/** Auth, body, schema, route; the body or the error response, already logged. */
async function admit<T extends { model: string }>(core: GatewayCore, ctx: RequestContext, schema: v.GenericSchema<unknown, T>): Promise<T | Response> {
  const fail = (res: Response, error: string): Response => {
    core.finish(ctx, { endpoint: "messages", status: res.status, meta: null, stream: false, ttftMs: null, engineStartedAt: null, error });
    return res;
  };
  if (core.draining()) return fail(anthropicErrorResponse(503, "the gateway is shutting down: retry on another instance", { "retry-after": "1" }), "draining");
  if (!clientAllowed(ctx.req, ctx.live.graph.gateway, core.secrets)) return fail(invalidMessagesKey(), "invalid_api_key");
  const read = await readJsonBody(ctx.req, ctx.live.graph.gateway.maxBodyBytes);
  if (!read.ok) return fail(anthropicErrorResponse(read.status, read.message), read.code);
  const checked = checkBody(schema, read.value);
  if (!checked.ok) return fail(anthropicErrorResponse(400, checked.message), "invalid_body");
  const route = checked.body.model;
  if (!ctx.live.addressable.has(route)) {
    const answer = unknownModel(route, ctx.live.addressable); // the same did-you-mean as chat completions
    return fail(anthropicErrorResponse(answer.status, answer.error.error.message), "model_not_found");
  }
  return checked.body;
}

export async function handleMessages(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, MessagesBody);
  if (body instanceof Response) return body;
  const clock = core.ports.clock;
  const chat = messagesToChat(body);
  const abort = body.stream === true ? abortOnDisconnect(ctx.req) : null;
  const engineStartedAt = clock.now();
  const cache = core.cache.begin({ graph: ctx.live.graph, dialect: "messages", body: chat, req: ctx.req });
  let outcome: ChatOutcome;
  try {
    outcome = cache.settle(
      await ctx.live.engine.chat({ id: ctx.id, route: body.model, body: chat, headers: ctx.req.headers, signal: abort?.signal ?? ctx.req.signal, receivedAt: ctx.receivedAt, onMatched: cache.hook }),
    );
  } catch (err) {
    // An engine bug must not leak a stack trace (or whatever the exception carries) to the client.
    const name = err instanceof Error ? err.name : "unknown";
    core.finish(ctx, { endpoint: "messages", status: 500, meta: null, stream: false, ttftMs: null, engineStartedAt, error: `engine_threw:${name}` });
    return anthropicErrorResponse(500, "the gateway failed to handle this request");
  }
  const id = messageId(ctx.id);
  const stopSequences = body.stop_sequences ?? [];
  if (outcome.kind === "stream") {
    const frames = messagesFrames({ id, model: body.model, inputTokens: inferChatNeeds(chat).promptTokens, stopSequences });
    return streamResponse(core, ctx, outcome, abort ?? abortOnDisconnect(ctx.req), engineStartedAt, { endpoint: "messages", frames, cache: cache.status });
  }
  const headers = outcomeHeaders(outcome.meta, ctx.id, overheadMs(outcome.meta, ctx.receivedAt, engineStartedAt, clock.now(), false), false);
  headers[CACHE_HEADER] = cache.status;
  let res: Response;
  if (outcome.kind === "completion") res = jsonResponse(200, completionToMessage(outcome.body, id, stopSequences), headers);
  else {
    if (outcome.retryAfterS !== null && outcome.retryAfterS >= 0) headers["retry-after"] = String(Math.max(1, Math.ceil(outcome.retryAfterS)));
    res = jsonResponse(outcome.status, fromOpenAIError(outcome.status, outcome.error), headers);
  }
  core.finish(ctx, { endpoint: "messages", meta: outcome.meta, engineStartedAt, status: res.status, stream: false, ttftMs: null, error: null, cache: cache.status });
  return res;
}

/** The gateway's own estimate (≈ chars/4, the one routing uses), not the upstream tokenizer's count. */
export async function handleCountTokens(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, CountTokensBody);
  if (body instanceof Response) return body;
  const res = jsonResponse(200, { input_tokens: inferChatNeeds(promptToChat(body)).promptTokens });
  // Logged, but not counted as a model request in the metrics: nothing was routed.
  core.finish(ctx, { endpoint: null, status: 200, meta: null, stream: false, ttftMs: null, engineStartedAt: null, error: null });
  return res;
}
