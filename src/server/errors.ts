// Every error the gateway answers uses the OpenAI error shape, so SDK clients surface a readable
// message instead of choking on an unexpected body. One builder keeps status, type and code aligned.
import type { OpenAIErrorBody } from "../runtime/api.ts";

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "server_error"
  | "upstream_error";

export function errorBody(
  message: string,
  type: ErrorType | string,
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return jsonTextResponse(status, JSON.stringify(body), headers);
}

/** A JSON body already serialised (e.g. by the response cache, which stored the same text). */
export function jsonTextResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "content-type": "application/json", ...headers } });
}

export function errorResponse(
  status: number,
  message: string,
  opts: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
): Response {
  const type = opts.type ?? defaultType(status);
  return jsonResponse(status, errorBody(message, type, opts.code ?? null, opts.param ?? null), opts.headers);
}

function defaultType(status: number): ErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

export const invalidApiKey = (): Response =>
  errorResponse(401, "incorrect or missing api key: send `Authorization: Bearer <key>`", {
    type: "invalid_request_error",
    code: "invalid_api_key",
  });
