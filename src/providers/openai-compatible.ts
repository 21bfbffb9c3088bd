// The adapter for OpenAI and every OpenAI-compatible server (vLLM, Together, Groq, Ollama …):
// the body already speaks their language, so this is transport, streaming and error
// classification, not translation.
import type { Ports } from "../runtime/ports.ts";
import type { EmbeddingsReply, ProviderAdapter, UpstreamCall, UpstreamReply } from "../runtime/upstream.ts";
import { ChunkList, UpstreamError } from "../runtime/upstream.ts";
import { inBandError } from "./errors.ts";
import { joinUrl, postJson, readJson } from "./http.ts";
import { openaiTranslator } from "./openai-stream.ts";
import { completionToChunks, parseCompletion } from "./openai-wire.ts";
import { sseChunks } from "./sse-chunks.ts";

function authHeaders(call: UpstreamCall): Record<string, string> {
  return call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {};
}

/**
 * Anthropic's `thinking` budget as OpenAI's `reasoning_effort` (docs/gateway.md): under 4,096
 * tokens `low`, under 16,384 `medium`, else `high`. `adaptive` leaves the model its default.
 */
export function effortFor(thinking: unknown): "low" | "medium" | "high" | undefined {
  if (typeof thinking !== "object" || thinking === null) return undefined;
  const { type, budget_tokens: budget } = thinking as { type?: unknown; budget_tokens?: unknown };
  if (type !== "enabled" || typeof budget !== "number") return undefined;
  return budget < 4096 ? "low" : budget < 16_384 ? "medium" : "high";
}

/**
 * The body as sent: `stream` set to match the call, stream_options only where OpenAI accepts it,
 * and `thinking` (Anthropic's, which OpenAI-kind servers reject) as `reasoning_effort` unless the
 * body names an effort itself.
 */
export function openaiChatBody(call: UpstreamCall): Record<string, unknown> {
  const { stream: _stream, stream_options, ...rest } = call.body;
  if (rest.thinking !== undefined) {
    const effort = rest.reasoning_effort ?? effortFor(rest.thinking);
    delete rest.thinking;
    if (effort !== undefined) rest.reasoning_effort = effort;
  }
  return call.stream ? { ...rest, stream: true, ...(stream_options !== undefined ? { stream_options } : {}) } : rest;
}

async function chat(call: UpstreamCall, ports: Ports): Promise<UpstreamReply> {
  const url = joinUrl(call.provider.baseUrl, "/chat/completions", call.provider.name);
  const headers = { ...authHeaders(call), accept: call.stream ? "text/event-stream" : "application/json" };
  const response = await postJson(call, ports, url, headers, openaiChatBody(call));
  const type = response.headers.get("content-type") ?? "";
  if (call.stream && response.body && !type.includes("application/json")) {
    return {
      kind: "stream",
      status: response.status,
      chunks: sseChunks(response.body, call.signal, openaiTranslator(call.provider.name, call.apiKey), () =>
        ports.transport.bodyBroke?.(url),
      ),
    };
  }
  const json = await readJson(call, response);
  const completion = parseCompletion(json);
  // Some servers report failures as a 200 carrying an OpenAI error object.
  if (!completion && json !== null && typeof json === "object" && "error" in json)
    throw inBandError(call.provider.name, json, call.apiKey);
  if (!completion)
    throw new UpstreamError(
      "malformed",
      `provider \`${call.provider.name}\` sent a reply without choices`,
      response.status,
    );
  if (!call.stream) return { kind: "completion", status: response.status, body: completion };
  // Some servers ignore `stream: true` and answer with one JSON body; replay it as chunks.
  return { kind: "stream", status: response.status, chunks: new ChunkList(completionToChunks(completion)) };
}

async function embeddings(call: UpstreamCall, ports: Ports): Promise<EmbeddingsReply> {
  const url = joinUrl(call.provider.baseUrl, "/embeddings", call.provider.name);
  const response = await postJson(call, ports, url, authHeaders(call), call.body);
  const body = await readJson(call, response);
  if (body === null || typeof body !== "object" || !Array.isArray((body as { data?: unknown }).data)) {
    throw new UpstreamError(
      "malformed",
      `provider \`${call.provider.name}\` sent embeddings without \`data\``,
      response.status,
    );
  }
  return { status: response.status, body: body as Record<string, unknown> };
}

export const openaiAdapter: ProviderAdapter = { chat, embeddings };
