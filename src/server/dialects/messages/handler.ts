// POST /v1/messages and /v1/messages/count_tokens: the Anthropic front door. Authenticate
// (x-api-key or bearer), read and validate the body, translate it to the engine's chat request,
// and translate the engine's outcome back (a Message, an Anthropic event stream, or an
// Anthropic-shaped error). Everything between is the same engine the chat endpoint uses.
import { inferChatNeeds } from "../../../runtime/engine.ts";
import type { NativeRequest } from "../../../runtime/upstream.ts";
import { abortOnDisconnect, streamResponse } from "../../api-handlers.ts";
import type { GatewayCore, RequestContext } from "../../context.ts";
import { jsonResponse } from "../../errors.ts";
import { fromOpenAIError } from "../../../dialects/messages/errors.ts";
import { anthropicErrorResponse, invalidMessagesKey } from "./errors.ts";
import { completionToMessage, messageId } from "../../../dialects/messages/from-chat.ts";
import { CountTokensBody, MessagesBody } from "../../../dialects/messages/schema.ts";
import { admit, callEngine, type FrontDoor, wholeAnswer } from "../front-door.ts";
import { messagesFrames } from "../../../dialects/messages/stream.ts";
import { messagesToChat, promptToChat } from "../../../dialects/messages/to-chat.ts";

const door: FrontDoor<MessagesBody> = {
  endpoint: "messages",
  schema: MessagesBody,
  reject: (status, message, extra) => anthropicErrorResponse(status, message, extra?.headers),
  invalidKey: invalidMessagesKey,
};
const countDoor: FrontDoor<CountTokensBody> = { ...door, schema: CountTokensBody };

export async function handleMessages(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, door);
  if (body instanceof Response) return body;
  const chat = messagesToChat(body);
  const abort = body.stream === true ? abortOnDisconnect(ctx.req) : null;
  const called = await callEngine(core, ctx, door, {
    route: body.model,
    chat,
    native: nativeMessages(body, ctx.req.headers),
    signal: abort?.signal ?? ctx.req.signal,
  });
  if (called instanceof Response) return called;
  const { outcome, engineStartedAt, cache } = called;
  const id = messageId(ctx.id);
  const stopSequences = body.stop_sequences ?? [];
  if (outcome.kind === "stream") {
    const frames = messagesFrames({
      id,
      model: body.model,
      inputTokens: inferChatNeeds(chat).promptTokens,
      stopSequences,
    });
    return streamResponse(core, ctx, outcome, abort ?? abortOnDisconnect(ctx.req), engineStartedAt, {
      endpoint: "messages",
      cache,
      frames,
    });
  }
  return wholeAnswer(core, ctx, "messages", { outcome, engineStartedAt, cache }, (whole, headers) => {
    if (whole.kind === "completion")
      return jsonResponse(200, completionToMessage(whole.body, id, stopSequences), headers);
    if (whole.retryAfterS !== null && whole.retryAfterS >= 0)
      headers["retry-after"] = String(Math.max(1, Math.ceil(whole.retryAfterS)));
    return jsonResponse(whole.status, fromOpenAIError(whole.status, whole.error), headers);
  });
}

/**
 * The validated Messages body, for an `anthropic` upstream to receive as the client sent it (the
 * engine routes on the chat body); `anthropic-beta` goes with it, as it switches request features on.
 */
function nativeMessages(body: MessagesBody, headers: Headers): NativeRequest {
  const beta = headers.get("anthropic-beta");
  return { dialect: "anthropic-messages", body, headers: beta ? { "anthropic-beta": beta } : {} };
}

/** The gateway's own estimate (≈ chars/4, the one routing uses), not the upstream tokenizer's count. */
export async function handleCountTokens(core: GatewayCore, ctx: RequestContext): Promise<Response> {
  const body = await admit(core, ctx, countDoor);
  if (body instanceof Response) return body;
  const res = jsonResponse(200, { input_tokens: inferChatNeeds(promptToChat(body)).promptTokens });
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
