// Anthropic-shaped error responses (the bodies are built in src/dialects/messages/errors.ts, which
// simulate shares); the gateway keeps its own status codes.
import { anthropicError, errorTypeFor } from "../../../dialects/messages/errors.ts";
import { jsonResponse } from "../../errors.ts";

export function anthropicErrorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, anthropicError(errorTypeFor(status), message), headers);
}

export const invalidMessagesKey = (): Response =>
  anthropicErrorResponse(401, "incorrect or missing api key: send `x-api-key: <key>` or `Authorization: Bearer <key>`");
