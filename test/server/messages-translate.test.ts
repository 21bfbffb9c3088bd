// The /v1/messages translations on their own: Messages body → chat body, chat completion →
// Message, and chat chunks → Anthropic events, for the cases the HTTP tests do not reach.
import { describe, expect, test } from "bun:test";
import { completionToMessage, stopInfo } from "../../src/dialects/messages/from-chat.ts";
import { MessagesBody } from "../../src/dialects/messages/schema.ts";
import { checkBody } from "../../src/server/dialects/front-door.ts";
import { messagesFrames } from "../../src/dialects/messages/stream.ts";
import { messagesToChat } from "../../src/dialects/messages/to-chat.ts";
import { anthropicEvents, assertWellFormed, names } from "./messages-helpers.ts";
import { chunk, completion } from "./fixtures.ts";

function chat(body: Record<string, unknown>): Record<string, any> {
  const checked = checkBody(MessagesBody, { model: "r", max_tokens: 10, ...body });
  if (!checked.ok) throw new Error(checked.message);
  return messagesToChat(checked.body);
}

describe("messages → chat", () => {
  test("tool results come first, with their images after them in a user turn; is_error is said", () => {
    const png = { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } };
    const out = chat({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "see" },
            { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "shot" }, png] },
            { type: "tool_result", tool_use_id: "t2", is_error: true, content: "boom" },
          ],
        },
      ],
    });
    expect(out.messages).toEqual([
      { role: "tool", tool_call_id: "t1", content: "shot" },
      { role: "tool", tool_call_id: "t2", content: "error: boom" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          { type: "text", text: "see" },
        ],
      },
    ]);
  });

  test("tool_choice forms and disable_parallel_tool_use; thinking disabled is dropped, thinking blocks too", () => {
    expect(
      chat({
        messages: [{ role: "user", content: "x" }],
        tool_choice: { type: "tool", name: "f", disable_parallel_tool_use: true },
      }),
    ).toMatchObject({ tool_choice: { type: "function", function: { name: "f" } }, parallel_tool_calls: false });
    expect(chat({ messages: [{ role: "user", content: "x" }], tool_choice: { type: "none" } }).tool_choice).toBe(
      "none",
    );
    expect(chat({ messages: [{ role: "user", content: "x" }], tool_choice: { type: "auto" } }).tool_choice).toBe(
      "auto",
    );
    const out = chat({
      thinking: { type: "disabled" },
      messages: [
        { role: "user", content: "x" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hm", signature: "s" },
            { type: "text", text: "ok" },
          ],
        },
        { role: "user", content: "y" },
      ],
    });
    expect(out.thinking).toBeUndefined();
    expect(out.messages[1]).toEqual({ role: "assistant", content: "ok" });
  });
});

describe("chat → Message", () => {
  test("stop reasons, a matched stop sequence, unparsable tool arguments kept, cache reads apart", () => {
    expect(stopInfo("length", null, [])).toEqual({ stop_reason: "max_tokens", stop_sequence: null });
    expect(stopInfo("content_filter", null, [])).toEqual({ stop_reason: "refusal", stop_sequence: null });
    expect(stopInfo("stop", "END", ["END"])).toEqual({ stop_reason: "stop_sequence", stop_sequence: "END" });
    expect(stopInfo("stop", "OTHER", ["END"])).toEqual({ stop_reason: "end_turn", stop_sequence: null });
    const body = completion("");
    body.choices[0].message = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }],
    };
    body.choices[0].finish_reason = "tool_calls";
    body.usage = {
      prompt_tokens: 100,
      completion_tokens: 5,
      total_tokens: 105,
      prompt_tokens_details: { cached_tokens: 60 },
    };
    expect(completionToMessage(body, "msg_x", [])).toMatchObject({
      content: [{ type: "tool_use", id: "c", name: "f", input: { _raw: "{oops" } }],
      stop_reason: "tool_use",
      usage: { input_tokens: 40, output_tokens: 5, cache_read_input_tokens: 60 },
    });
  });
});

describe("chat chunks → Anthropic events", () => {
  const frames = () => messagesFrames({ id: "msg_1", model: "r", inputTokens: 3, stopSequences: ["END"] });
  const delta = (d: Record<string, unknown>, finish: string | null = null) =>
    chunk("", { choices: [{ index: 0, delta: d, finish_reason: finish }] });

  test("thinking, text and two tool calls: blocks in index order, each stopped before the next", () => {
    const f = frames();
    let text = "";
    text += f.chunk(delta({ role: "assistant", content: "" }));
    text += f.chunk(delta({ reasoning_content: "let me think" }));
    text += f.chunk(delta({ content: "Two calls." }));
    text += f.chunk(delta({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: '{"x":1}' } }] }));
    text += f.chunk(delta({ tool_calls: [{ index: 1, id: "b", function: { name: "g", arguments: "{}" } }] }));
    text += f.chunk(delta({}, "stop"));
    text += f.chunk({ ...chunk(""), choices: [], usage: { prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 } });
    text += f.done();
    const events = anthropicEvents(text);
    assertWellFormed(events);
    const starts = events
      .filter((e) => e.event === "content_block_start")
      .map((e) => [e.data.index, e.data.content_block.type]);
    expect(starts).toEqual([
      [0, "thinking"],
      [1, "text"],
      [2, "tool_use"],
      [3, "tool_use"],
    ]);
    expect(events.find((e) => e.data.delta?.type === "thinking_delta")!.data.delta.thinking).toBe("let me think");
    expect(events.at(-2)!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 7, output_tokens: 9 },
    });
    expect(events[0].data.message).toMatchObject({
      id: "msg_1",
      model: "a",
      usage: { input_tokens: 3, output_tokens: 0 },
    });
  });

  test("an error ends the stream with event: error and no message_stop", () => {
    const f = frames();
    const text =
      f.chunk(delta({ content: "par" })) +
      f.error({
        error: { message: "the upstream stream broke", type: "upstream_error", param: null, code: "stream_broken" },
      });
    const events = anthropicEvents(text);
    assertWellFormed(events);
    expect(names(events)).toEqual(["message_start", "ping", "content_block_start", "content_block_delta", "error"]);
    expect(events.at(-1)!.data).toEqual({
      type: "error",
      error: { type: "api_error", message: "the upstream stream broke" },
    });
  });
});
