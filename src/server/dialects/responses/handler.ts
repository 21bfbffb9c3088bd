// POST /v1/responses: the OpenAI Responses front door, stateless. Authenticate, read and validate
// the body, refuse what needs stored state (previous_response_id, store, item references),
// translate it to the engine's chat request, and translate the engine's outcome back (a Response
// object, a Responses event stream, or an OpenAI error). GET /v1/responses/{id} and the other
// stored-response endpoints answer 404 saying nothing is stored; /v1/responses/input_tokens gives
// the gateway's prompt estimate.
import { inferChatNeeds } from "../../../runtime/engine.ts";
import { abortOnDisconnect, errorOutcomeResponse, streamResponse } from "../../api-handlers.ts";
import { identifyCaller } from "../../key-auth.ts";
import type { GatewayCore, RequestContext } from "../../context.ts";
import { errorResponse, invalidApiKey, jsonResponse } from "../../errors.ts";
import { admit, callEngine, type FrontDoor, wholeAnswer } from "../front-door.ts";
import { completionToResponse, type ResponseEcho } from "../../../dialects/responses/from-chat.ts";
import { ResponsesBody } from "../../../dialects/responses/schema.ts";
import { notStoredMessage, statefulField } from "../../../dialects/responses/stateless.ts";
import { responsesFrames } from "../../../dialects/responses/stream.ts";
import { responsesToChat } from "../../../dialects/responses/to-chat.ts";

const door: FrontDoor<ResponsesBody> = {
  endpoint: "responses",
  schema: ResponsesBody,
  reject: (status, message, extra) =>
    errorResponse(status, message, { param: extra?.param ?? null, code: extra?.code ?? null, headers: extra?.headers }),
  invalidKey: invalidApiKey,
};

export async function handleResponses(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, door);
  if (body instanceof Response) return body;
  const refusal = statefulField(body);
  if (refusal) {
    core.finish(ctx, {
      endpoint: "responses",
      status: 400,
      meta: null,
      stream: false,
      ttftMs: null,
      engineStartedAt: null,
      error: "stateful_request",
    });
    return errorResponse(400, refusal.message, { param: refusal.param, code: "unsupported_parameter" });
  }
  const clock = core.ports.clock;
  const chat = responsesToChat(body);
  const abort = body.stream === true ? abortOnDisconnect(ctx.req) : null;
  const called = await callEngine(core, ctx, door, {
    route: body.model,
    chat,
    signal: abort?.signal ?? ctx.req.signal,
  });
  if (called instanceof Response) return called;
  const { outcome, engineStartedAt, cache } = called;
  const echo: ResponseEcho = { requestId: ctx.id, createdAt: Math.floor(clock.now() / 1000), model: body.model, body };
  if (outcome.kind === "stream") {
    return streamResponse(core, ctx, outcome, abort ?? abortOnDisconnect(ctx.req), engineStartedAt, {
      endpoint: "responses",
      cache,
      frames: responsesFrames(echo),
    });
  }
  return wholeAnswer(core, ctx, "responses", { outcome, engineStartedAt, cache }, (whole, headers) =>
    whole.kind === "completion"
      ? jsonResponse(200, completionToResponse(whole.body, echo), headers)
      : errorOutcomeResponse(whole, headers),
  );
}

/** POST /v1/responses/input_tokens: the gateway's own estimate (≈ chars/4, the one routing uses), not a tokenizer's count. */
export async function handleInputTokens(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, door);
  if (body instanceof Response) return body;
  const res = jsonResponse(200, {
    object: "response.input_tokens",
    input_tokens: inferChatNeeds(responsesToChat(body)).promptTokens,
  });
  // Logged, but not counted as a model request in the metrics: nothing was routed.
  core.finish(ctx, {
    endpoint: null,
    status: 200,
    meta: null,
    stream: false,
    ttftMs: null,
    engineStartedAt: null,
    error: null,
  });
  return res;
}

/** GET /v1/responses/{id} (and its input_items, cancel, delete): nothing is stored, so never found. */
export function handleStoredResponse(core: GatewayCore, ctx: RequestContext): Response {
  if (!identifyCaller(ctx.req, ctx.live.graph, core.secrets).ok) return invalidApiKey();
  const id = ctx.path.replace(/^(\/v1)?\/responses\//, "").split("/")[0];
  return errorResponse(404, notStoredMessage(decodeURIComponent(id)), {
    code: "response_not_found",
    param: "response_id",
  });
}
