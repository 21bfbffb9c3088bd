// The gateway keeps no responses: nothing is stored, so nothing can be referred to later. Requests
// that lean on stored state get a 400 that says so and what to send instead, rather than an
// answer that silently lacks the earlier turns.
import type { ResponsesBody } from "./schema.ts";

const SEND_ALL =
  "this gateway is stateless and keeps no responses: send the whole conversation in `input` (earlier output items included)";

export interface Refusal {
  message: string;
  param: string;
}

/** Why this request needs stored state, or null when it does not. */
export function statefulField(body: ResponsesBody & Record<string, unknown>): Refusal | null {
  if (typeof body.previous_response_id === "string")
    return { param: "previous_response_id", message: `\`previous_response_id\` is not supported: ${SEND_ALL}` };
  if (body.store === true)
    return {
      param: "store",
      message: `\`store: true\` is not supported: ${SEND_ALL}, and leave \`store\` out or set it to false`,
    };
  if (body.background === true)
    return {
      param: "background",
      message: `\`background: true\` is not supported: a background response is collected later by id, and ${SEND_ALL}`,
    };
  if (body.conversation !== undefined && body.conversation !== null)
    return { param: "conversation", message: `\`conversation\` is not supported: ${SEND_ALL}` };
  if (Array.isArray(body.input)) {
    const at = body.input.findIndex((item) => item.type === "item_reference");
    // @ai-sdk/openai sends references to earlier output items unless `providerOptions.openai.store` is false.
    if (at >= 0)
      return {
        param: `input[${at}]`,
        message: `\`input[${at}]\` is an \`item_reference\`, which is not supported: ${SEND_ALL} (with @ai-sdk/openai, set \`providerOptions: { openai: { store: false } }\`)`,
      };
  }
  return null;
}

/** GET /v1/responses/{id} and friends: there is nothing stored to return. */
export function notStoredMessage(id: string): string {
  return `no response \`${id}\`: ${SEND_ALL}; responses are returned only in the reply to the request that made them`;
}
