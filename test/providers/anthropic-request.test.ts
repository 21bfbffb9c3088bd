// OpenAI chat body → Anthropic Messages body: every field with an Anthropic meaning carried over.
import { describe, expect, test } from "bun:test";
import { toAnthropicRequest } from "../../src/providers/anthropic-request.ts";
import { model } from "./helpers.ts";

const translate = (body: Record<string, unknown>, stream = false) =>
  toAnthropicRequest({ model: "claude-x", ...body }, model({ maxOutput: 8192 }), stream);

describe("anthropic request translation", () => {
  test("system and developer messages become `system`; max_tokens defaults to the model's max output", () => {
    const { body } = translate({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use metric." }] },
        { role: "user", content: "hi" },
      ],
    });
    expect(body).toEqual({
      model: "claude-x",
      system: "Be brief.\n\nUse metric.",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      max_tokens: 8192,
    });
  });

  test("sampling fields: max_completion_tokens wins, temperature clamped to 1, stop → stop_sequences, stream", () => {
    const { body } = translate(
      {
        messages: [{ role: "user", content: "x" }],
        max_tokens: 10,
        max_completion_tokens: 20,
        temperature: 1.7,
        top_p: 0.9,
        stop: "END",
        user: "u1",
      },
      true,
    );
    expect(body).toMatchObject({
      max_tokens: 20,
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "u1" },
      stream: true,
    });
    expect(translate({ messages: [{ role: "user", content: "x" }], stop: ["a", "b"] }).body.stop_sequences).toEqual([
      "a",
      "b",
    ]);
  });

  test("thinking and top_k (Anthropic's own fields, carried by the /v1/messages front door) are forwarded", () => {
    const { body } = translate({
      messages: [{ role: "user", content: "x" }],
      thinking: { type: "enabled", budget_tokens: 2048 },
      top_k: 7,
    });
    expect(body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 2048 }, top_k: 7 });
  });

  test("consecutive same-role turns merge; image parts become base64 or url sources", () => {
    const { body } = translate({
      messages: [
        { role: "user", content: "look" },
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "high" } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
  });

  test("tools, tool_choice, assistant tool_calls and tool results", () => {
    const params = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const { body } = translate({
      tools: [
        { type: "function", function: { name: "weather", description: "Get weather", parameters: params } },
        { type: "function", function: { name: "noop" } },
      ],
      tool_choice: "required",
      parallel_tool_calls: false,
      messages: [
        { role: "user", content: "weather in Paris and Rome?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "21C" }] },
        { role: "user", content: "thanks" },
      ],
    });
    expect(body.tools).toEqual([
      { name: "weather", description: "Get weather", input_schema: params },
      { name: "noop", input_schema: { type: "object", properties: {} } },
    ]);
    expect(body.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18C" },
          { type: "tool_result", tool_use_id: "call_2", content: "21C" },
          { type: "text", text: "thanks" },
        ],
      },
    ]);
  });

  test("tool_choice mapping", () => {
    const tools = [{ type: "function", function: { name: "f" } }];
    const choice = (tool_choice: unknown) =>
      translate({ tools, tool_choice, messages: [{ role: "user", content: "x" }] }).body.tool_choice;
    expect(choice("auto")).toEqual({ type: "auto" });
    expect(choice("none")).toEqual({ type: "none" });
    expect(choice("required")).toEqual({ type: "any" });
    expect(choice({ type: "function", function: { name: "f" } })).toEqual({ type: "tool", name: "f" });
    expect(choice(undefined)).toBeUndefined();
  });

  test("a trailing assistant message is a prefill, with trailing whitespace cut and remembered", () => {
    const r = translate({
      messages: [
        { role: "user", content: "count" },
        { role: "assistant", content: "one two " },
      ],
    });
    expect(r.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "count" }] },
      { role: "assistant", content: [{ type: "text", text: "one two" }] },
    ]);
    expect(r.prefillTrimmed).toBe(" ");
  });

  test("what cannot be translated is a client error, not a silent drop", () => {
    const fail = (body: Record<string, unknown>) => {
      try {
        translate(body);
      } catch (err: any) {
        return [err.cls, err.status, err.message];
      }
      throw new Error("expected a client error");
    };
    expect(fail({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] })).toEqual([
      "client",
      400,
      "content part `input_audio` is not supported by anthropic",
    ]);
    expect(
      fail({
        messages: [
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }],
          },
        ],
      })[0],
    ).toBe("client");
    expect(
      fail({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] })[0],
    ).toBe("client");
    expect(fail({ messages: "nope" })[2]).toContain("`messages`");
  });
});
