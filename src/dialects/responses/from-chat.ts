// The engine's answer (an OpenAI chat completion) → an OpenAI Response object, plus the pieces the
// stream translation shares: the response shell echoing the request's settings, the status a
// finish_reason gives (length → incomplete, max_output_tokens), usage, and output item ids.
import type { ChatCompletion, Usage } from "../../runtime/upstream.ts";
import type { ResponsesBody } from "./schema.ts";

type Json = Record<string, unknown>;

/** What every Response object of one request carries, whichever way it is delivered. */
export interface ResponseEcho {
  /** The request id the item ids derive from (already a sane token), so logs and replies join up. */
  requestId: string;
  /** Epoch seconds. */
  createdAt: number;
  /** The model named when no chunk names one (the route). */
  model: string;
  body: ResponsesBody;
}

export const responseId = (requestId: string): string => `resp_${requestId}`;
export const messageItemId = (requestId: string, n: number): string =>
  n === 0 ? `msg_${requestId}` : `msg_${requestId}_${n}`;
export const callItemId = (requestId: string, n: number): string => `fc_${requestId}_${n}`;

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** A Response object as OpenAI returns it, before its output, status and usage are known. */
export function responseShell(echo: ResponseEcho, model: string = echo.model): Json {
  const b = echo.body;
  return {
    id: responseId(echo.requestId),
    object: "response",
    created_at: echo.createdAt,
    status: "in_progress",
    error: null,
    incomplete_details: null,
    instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: b.reasoning?.effort ?? null, summary: null },
    store: false,
    temperature: b.temperature ?? 1,
    text: { format: b.text?.format ?? { type: "text" } },
    tool_choice: b.tool_choice ?? "auto",
    tools: (b.tools ?? []).map((t) => ({
      type: "function",
      name: t.name,
      description: t.description ?? null,
      parameters: t.parameters ?? null,
      strict: t.strict ?? null,
    })),
    top_p: b.top_p ?? 1,
    truncation: "disabled",
    usage: null,
    user: b.user ?? null,
    metadata: b.metadata ?? {},
  };
}

/** A finish_reason as the Response's status; `length` is the max_output_tokens cut-off. */
export function statusFor(finish: unknown): { status: ResponseStatus; incomplete_details: { reason: string } | null } {
  if (finish === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finish === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

export function responsesUsage(usage: Usage | null | undefined): Json {
  const details = (usage?.prompt_tokens_details ?? {}) as { cached_tokens?: unknown };
  const out = (usage?.completion_tokens_details ?? {}) as { reasoning_tokens?: unknown };
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: typeof details.cached_tokens === "number" ? details.cached_tokens : 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: typeof out.reasoning_tokens === "number" ? out.reasoning_tokens : 0 },
    total_tokens: usage?.total_tokens ?? input + output,
  };
}

export function textPart(text: string): Json {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

export function messageItem(id: string, status: string, content: Json[]): Json {
  return { id, type: "message", status, role: "assistant", content };
}

export function callItem(id: string, status: string, call: { call_id: string; name: string; arguments: string }): Json {
  return { id, type: "function_call", status, call_id: call.call_id, name: call.name, arguments: call.arguments };
}

function outputItems(message: Json, requestId: string, itemStatus: string): Json[] {
  const items: Json[] = [];
  const content: Json[] = [];
  if (typeof message.content === "string" && message.content) content.push(textPart(message.content));
  if (typeof message.refusal === "string" && message.refusal)
    content.push({ type: "refusal", refusal: message.refusal });
  if (content.length > 0) items.push(messageItem(messageItemId(requestId, 0), itemStatus, content));
  const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : [];
  calls.forEach((call, n) => {
    const fn = (call.function ?? {}) as Json;
    const args = typeof fn.arguments === "string" ? fn.arguments : "";
    items.push(
      callItem(callItemId(requestId, n), "completed", {
        call_id: String(call.id ?? callItemId(requestId, n)),
        name: String(fn.name ?? ""),
        arguments: args,
      }),
    );
  });
  return items;
}

export function completionToResponse(completion: ChatCompletion, echo: ResponseEcho): Json {
  const choice = completion.choices[0];
  const { status, incomplete_details } = statusFor(choice?.finish_reason);
  const output = outputItems(
    (choice?.message ?? {}) as Json,
    echo.requestId,
    status === "completed" ? "completed" : "incomplete",
  );
  const created = typeof completion.created === "number" ? completion.created : echo.createdAt;
  return {
    ...responseShell({ ...echo, createdAt: created }, completion.model || echo.model),
    status,
    incomplete_details,
    output,
    usage: responsesUsage(completion.usage),
  };
}
