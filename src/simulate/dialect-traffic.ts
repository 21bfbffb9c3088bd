// Traffic in a front-door dialect (`api: messages | responses` on a traffic source): the request is
// written in that API, validated by its schema and translated to the engine's chat body by the same
// modules serve uses (src/dialects), and the engine's answer is translated back the same way (a
// Message or Response, or the dialect's stream events), so a scenario exercises the translation
// under the faults it plays. A translation that throws is counted as a failed request (as
// `engine_threw`, like an engine exception).
import * as v from "valibot";
import type { StreamEvent } from "../runtime/api.ts";
import type { ChatCompletion } from "../runtime/upstream.ts";
import type { SseFrames } from "../dialects/frames.ts";
import { completionToMessage, messageId } from "../dialects/messages/from-chat.ts";
import { MessagesBody } from "../dialects/messages/schema.ts";
import { messagesFrames } from "../dialects/messages/stream.ts";
import { messagesToChat } from "../dialects/messages/to-chat.ts";
import { completionToResponse, type ResponseEcho } from "../dialects/responses/from-chat.ts";
import { ResponsesBody } from "../dialects/responses/schema.ts";
import { responsesFrames } from "../dialects/responses/stream.ts";
import { responsesToChat } from "../dialects/responses/to-chat.ts";

type Json = Record<string, unknown>;

export const APIS = ["chat", "messages", "responses"] as const;
export type Api = (typeof APIS)[number];

/** What a generated request asks for, whichever API it is written in. */
export interface RequestShape {
  route: string;
  text: string;
  image: boolean;
  stream: boolean;
  tools: boolean;
  json: boolean;
  outputTokens: number;
  metadata: Record<string, string> | null;
}

/** A request written in a dialect: its own body, and the engine's chat body translated from it. */
export interface DialectRequest {
  api: Exclude<Api, "chat">;
  body: Json;
}

const PNG = "iVBORw0KGgo=";
const LOOKUP = {
  description: "look a record up",
  parameters: { type: "object", properties: { id: { type: "string" } } },
};

function messagesRequest(s: RequestShape): Json {
  const image = { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } };
  const body: Json = {
    model: s.route,
    max_tokens: s.outputTokens,
    messages: [{ role: "user", content: s.image ? [{ type: "text", text: s.text }, image] : s.text }],
  };
  if (s.stream) body.stream = true;
  if (s.tools) body.tools = [{ name: "lookup", description: LOOKUP.description, input_schema: LOOKUP.parameters }];
  return body;
}

function responsesRequest(s: RequestShape): Json {
  const input = s.image
    ? [
        {
          role: "user",
          content: [
            { type: "input_text", text: s.text },
            { type: "input_image", image_url: `data:image/png;base64,${PNG}` },
          ],
        },
      ]
    : s.text;
  const body: Json = { model: s.route, input };
  if (s.stream) body.stream = true;
  if (s.tools) body.tools = [{ type: "function", name: "lookup", ...LOOKUP }];
  if (s.json) body.text = { format: { type: "json_object" } };
  if (s.metadata) body.metadata = s.metadata;
  return body;
}

/** The dialect's body for `shape` and the chat body serve would hand the engine for it. */
export function dialectRequest(
  api: Exclude<Api, "chat">,
  shape: RequestShape,
): { chat: Json; dialect: DialectRequest } {
  if (api === "messages") {
    const body = messagesRequest(shape);
    return { chat: messagesToChat(v.parse(MessagesBody, body)), dialect: { api, body } };
  }
  const body = responsesRequest(shape);
  return { chat: responsesToChat(v.parse(ResponsesBody, body)), dialect: { api, body } };
}

/** Translates one request's answer back into its dialect, as serve would write it. */
export interface DialectAnswer {
  completion(c: ChatCompletion): void;
  event(e: StreamEvent): void;
}

export function dialectAnswer(req: DialectRequest, id: string, createdAt: number): DialectAnswer {
  let frames: SseFrames | null = null;
  if (req.api === "messages") {
    const body = v.parse(MessagesBody, req.body);
    return {
      completion: (c) => void completionToMessage(c, messageId(id), []),
      event: (e) =>
        void render(
          (frames ??= messagesFrames({ id: messageId(id), model: body.model, inputTokens: 0, stopSequences: [] })),
          e,
        ),
    };
  }
  const echo: ResponseEcho = {
    requestId: id,
    createdAt,
    model: String(req.body.model),
    body: v.parse(ResponsesBody, req.body),
  };
  return {
    completion: (c) => void completionToResponse(c, echo),
    event: (e) => void render((frames ??= responsesFrames(echo)), e),
  };
}

function render(frames: SseFrames, e: StreamEvent): string {
  if (e.type === "chunk") return frames.chunk(e.chunk);
  return e.type === "done" ? frames.done() : frames.error(e.error);
}
