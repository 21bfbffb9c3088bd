// The adapter for Anthropic's Messages API: translate the OpenAI body out, the reply (whole or
// streamed) back, and refuse embeddings, which Anthropic does not offer.
import type { Ports } from "../runtime/ports.ts";
import type { EmbeddingsReply, ProviderAdapter, UpstreamCall, UpstreamReply } from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { type AnthropicRequest, toAnthropicRequest } from "./anthropic-request.ts";
import { fromAnthropicMessage } from "./anthropic-response.ts";
import { anthropicTranslator } from "./anthropic-stream.ts";
import { joinUrl, postJson, readJson } from "./http.ts";
import { sseChunks } from "./sse-chunks.ts";

export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * The client's own Messages request, when it came as one: sent as is but for the model (the
 * upstream's name) and `stream` (the engine's choice), so cache_control, signed thinking blocks
 * and fields the chat shape has no form for reach Anthropic. Else the chat body, translated.
 */
function requestFor(call: UpstreamCall): { request: AnthropicRequest; beta: Record<string, string> } {
  const native = call.native;
  if (native?.dialect !== "anthropic-messages")
    return { request: toAnthropicRequest(call.body, call.model, call.stream), beta: {} };
  const body: Record<string, unknown> = { ...native.body, model: call.body.model };
  if (call.stream) body.stream = true;
  else delete body.stream;
  return { request: { body, prefillTrimmed: "" }, beta: native.headers };
}

async function chat(call: UpstreamCall, ports: Ports): Promise<UpstreamReply> {
  const { request, beta } = requestFor(call);
  const url = joinUrl(call.provider.baseUrl, "/messages", call.provider.name);
  const headers: Record<string, string> = {
    ...beta,
    "anthropic-version": ANTHROPIC_VERSION,
    accept: call.stream ? "text/event-stream" : "application/json",
    ...(call.apiKey ? { "x-api-key": call.apiKey } : {}),
  };
  const response = await postJson(call, ports, url, headers, request.body);
  const now = ports.clock.now();
  if (call.stream && response.body) {
    const options = call.body.stream_options as { include_usage?: unknown } | undefined;
    const translator = anthropicTranslator({
      provider: call.provider.name,
      apiKey: call.apiKey,
      includeUsage: options?.include_usage === true,
      prefillTrimmed: request.prefillTrimmed,
      nowMs: now,
    });
    const broken = () => ports.transport.bodyBroke?.(url);
    return {
      kind: "stream",
      status: response.status,
      chunks: sseChunks(response.body, call.signal, translator, broken),
    };
  }
  const completion = fromAnthropicMessage(await readJson(call, response), request.prefillTrimmed, now);
  if (!completion)
    throw new UpstreamError(
      "malformed",
      `provider \`${call.provider.name}\` sent a message without content`,
      response.status,
    );
  return { kind: "completion", status: response.status, body: completion };
}

async function embeddings(call: UpstreamCall): Promise<EmbeddingsReply> {
  throw new UpstreamError(
    "client",
    `provider \`${call.provider.name}\` (anthropic) has no embeddings endpoint`,
    400,
    null,
    "unsupported_endpoint",
  );
}

export const anthropicAdapter: ProviderAdapter = { chat, embeddings };
