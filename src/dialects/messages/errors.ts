// Anthropic's error shape, `{"type":"error","error":{"type":…,"message":…}}`, so the Anthropic SDKs
// raise their typed errors. The gateway keeps its own status codes; the error type follows them
// the way Anthropic's own statuses map to types.
import type { OpenAIErrorBody } from "../../runtime/api.ts";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

const BY_STATUS: Record<number, AnthropicErrorType> = {
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  503: "overloaded_error",
  529: "overloaded_error",
};

export function errorTypeFor(status: number): AnthropicErrorType {
  return BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

export function anthropicError(type: AnthropicErrorType, message: string): AnthropicErrorBody {
  return { type: "error", error: { type, message } };
}

/** The engine's (OpenAI-shaped) error outcome in Anthropic's shape, same status and message. */
export function fromOpenAIError(status: number, body: OpenAIErrorBody): AnthropicErrorBody {
  const message = typeof body?.error?.message === "string" ? body.error.message : "the request failed";
  return anthropicError(errorTypeFor(status), message);
}
