// The Anthropic SDK against /v1/messages over real HTTP, with the real engine in between and a
// local fake upstream of each kind: an OpenAI one (Messages → chat → Messages) and an Anthropic
// one (Messages → chat → Anthropic's wire format and back). Text, a tool round trip, an image,
// streamed and not, and what the upstream was actually sent.
import { describe, expect, test } from "bun:test";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";
import { faultSettings, startRig, stopAfterEach } from "./fault-harness.ts";
import { anthropicFixture, anthropicMessage, mixedGraph, sdk } from "./messages-helpers.ts";
import { chunkJson, completionBody, finish, json, mockUpstream, sse, type Step } from "./mock-upstream.ts";

const track = stopAfterEach();
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const weatherTool = {
  name: "get_weather",
  description: "the weather in a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
};

/** Sampling fields the API still takes but this SDK version's types no longer list. */
const sampling = (fields: Record<string, number>): object => fields;

function toolCallCompletion(model: string) {
  const body = completionBody(model, "");
  body.choices[0] = {
    index: 0,
    message: {
      role: "assistant",
      content: null as unknown as string,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      ],
    } as never,
    finish_reason: "tool_calls",
  };
  return body;
}

function rigWith(script: Parameters<typeof mockUpstream>[0], kind: "openai" | "anthropic" = "openai") {
  const up = track(mockUpstream(script));
  const caps = Object.values(CAP_BIT).reduce((a, b) => a | b, 0);
  const rig = track(
    startRig(
      mixedGraph(
        [{ name: "a", upstream: up, kind, extra: { caps } }],
        faultSettings({ timeout: { firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 } }),
      ),
    ),
  );
  return { up, rig, client: sdk(rig.url) };
}

describe("messages → a fake OpenAI upstream", () => {
  test("create: the request is translated to chat and the answer back to a Message", async () => {
    const { up, rig, client } = rigWith(() => json(completionBody("a-up", "Bonjour")));
    const msg = await client.messages.create({
      model: "r",
      max_tokens: 100,
      system: [{ type: "text", text: "be brief" }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "hi" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          ],
        },
      ],
      stop_sequences: ["END"],
      ...sampling({ temperature: 0.2, top_k: 5 }),
      metadata: { user_id: "u-1" },
    });
    expect(msg.type).toBe("message");
    expect(msg.id).toStartWith("msg_");
    expect(msg.role).toBe("assistant");
    expect(msg.content).toEqual([{ type: "text", text: "Bonjour" }] as never);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage).toEqual({ input_tokens: 5, output_tokens: 3 } as never);
    const sent = up.calls[0].body;
    expect(sent.messages).toEqual([
      { role: "system", content: "be brief" },
      {
        role: "user",
        content: [
          { type: "text", text: "hi" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
    ]);
    expect(sent).toMatchObject({ max_tokens: 100, stop: ["END"], temperature: 0.2, top_k: 5, user: "u-1" });
    expect(rig.logs.some((l) => l.includes('"path":"/v1/messages"'))).toBe(true);
  });

  test("a tool round trip: tool_calls become tool_use, tool_result goes back as a tool message", async () => {
    const { up, client } = rigWith((n) =>
      json(n === 0 ? toolCallCompletion("a-up") : completionBody("a-up", "18°C in Paris")),
    );
    const ask = { role: "user" as const, content: "weather in Paris?" };
    const first = await client.messages.create({
      model: "r",
      max_tokens: 100,
      tools: [weatherTool],
      tool_choice: { type: "any" },
      messages: [ask],
    });
    expect(first.stop_reason).toBe("tool_use");
    expect(first.content).toEqual([
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
    ] as never);
    expect(up.calls[0].body.tools).toEqual([
      {
        type: "function",
        function: { name: "get_weather", description: "the weather in a city", parameters: weatherTool.input_schema },
      },
    ]);
    expect(up.calls[0].body.tool_choice).toBe("required");

    const second = await client.messages.create({
      model: "r",
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        ask,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "18C" }] },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: "18°C in Paris" }] as never);
    expect(up.calls[1].body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "18C" },
    ]);
  });

  test("stream: text and a tool call arrive as Anthropic blocks; the SDK assembles the message", async () => {
    const steps: Step[] = [
      { data: chunkJson("a-up", { role: "assistant", content: "" }) },
      { data: chunkJson("a-up", { content: "Let me " }) },
      { data: chunkJson("a-up", { content: "check." }) },
      {
        data: chunkJson("a-up", {
          tool_calls: [{ index: 0, id: "call_9", type: "function", function: { name: "get_weather", arguments: "" } }],
        }),
      },
      { data: chunkJson("a-up", { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }) },
      { data: chunkJson("a-up", { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }) },
      { data: chunkJson("a-up", {}, "tool_calls") },
      {
        data: {
          ...chunkJson("a-up", {}),
          choices: [],
          usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
        },
      },
      { end: "done" },
    ];
    const { up, client } = rigWith((_n, _b, call) => sse(steps, call));
    const stream = client.messages.stream({
      model: "r",
      max_tokens: 50,
      tools: [weatherTool],
      messages: [{ role: "user", content: "weather in Oslo?" }],
    });
    let text = "";
    stream.on("text", (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe("Let me check.");
    expect(final.content).toEqual([
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "call_9", name: "get_weather", input: { city: "Oslo" } },
    ] as never);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage.output_tokens).toBe(4);
    expect(final.usage.input_tokens).toBe(9);
    expect(up.calls[0].body.stream_options).toEqual({ include_usage: true });
  });

  test("stream of plain text, with an image in the request", async () => {
    const { up, client } = rigWith((_n, _b, call) =>
      sse(
        [
          { data: chunkJson("a-up", { role: "assistant", content: "" }) },
          { data: chunkJson("a-up", { content: "a red dot" }) },
          ...finish("a-up"),
          { end: "done" },
        ],
        call,
      ),
    );
    const stream = client.messages.stream({
      model: "r",
      max_tokens: 50,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "url", url: "https://example.com/dot.png" } },
            { type: "text", text: "what is it?" },
          ],
        },
      ],
    });
    expect(await stream.finalText()).toBe("a red dot");
    expect(up.calls[0].body.messages[0].content[0]).toEqual({
      type: "image_url",
      image_url: { url: "https://example.com/dot.png" },
    });
  });

  test("a trailing assistant turn is sent as the last message (a prefill)", async () => {
    const { up, client } = rigWith(() => json(completionBody("a-up", " world")));
    const msg = await client.messages.create({
      model: "r",
      max_tokens: 20,
      messages: [
        { role: "user", content: "say hello world" },
        { role: "assistant", content: "hello" },
      ],
    });
    expect(msg.content).toEqual([{ type: "text", text: " world" }] as never);
    expect(up.calls[0].body.messages.at(-1)).toEqual({ role: "assistant", content: "hello" });
  });

  test("thinking becomes reasoning_effort by its budget (docs/gateway.md); adaptive leaves the default effort", async () => {
    const { up, client } = rigWith(() => json(completionBody("a-up", "ok")));
    const ask = (thinking: object) =>
      client.messages.create({
        model: "r",
        max_tokens: 20_000,
        thinking: thinking as never,
        messages: [{ role: "user", content: "think" }],
      });
    for (const budget of [1024, 4095, 4096, 16383, 16384, 32000]) await ask({ type: "enabled", budget_tokens: budget });
    await ask({ type: "adaptive" });
    const sent = up.calls.map((c) => c.body);
    expect(sent.map((b) => b.reasoning_effort)).toEqual(["low", "low", "medium", "medium", "high", "high", undefined]);
    for (const body of sent) expect(body.thinking).toBeUndefined();
  });
});

describe("messages → a fake Anthropic upstream", () => {
  test("create: text, thinking passed through, answer back with blocks (signature kept)", async () => {
    const reply = anthropicMessage([
      { type: "thinking", thinking: "hmm", signature: "sig" },
      { type: "text", text: "42" },
    ]);
    const { up, client } = rigWith(() => json(reply), "anthropic");
    const msg = await client.messages.create({
      model: "r",
      max_tokens: 2000,
      thinking: { type: "enabled", budget_tokens: 1024 },
      ...sampling({ top_k: 3 }),
      messages: [{ role: "user", content: "meaning of life?" }],
    });
    expect(msg.content).toEqual([
      { type: "thinking", thinking: "hmm", signature: "sig" },
      { type: "text", text: "42" },
    ] as never);
    expect(msg.usage).toEqual({ input_tokens: 11, output_tokens: 7 } as never);
    expect(up.calls[0].body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(up.calls[0].body.top_k).toBe(3);
    expect(up.calls[0].body.max_tokens).toBe(2000);
  });

  test("a tool round trip through Anthropic's own wire format", async () => {
    const { up, client } = rigWith(
      (n) =>
        n === 0 ? anthropicFixture("anthropic-tool-use") : json(anthropicMessage([{ type: "text", text: "sunny" }])),
      "anthropic",
    );
    const stream = client.messages.stream({
      model: "r",
      max_tokens: 100,
      tools: [weatherTool],
      messages: [{ role: "user", content: "weather?" }],
    });
    const first = await stream.finalMessage();
    const use = first.content.find((b) => b.type === "tool_use");
    expect(use).toMatchObject({ type: "tool_use", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" });
    expect(first.stop_reason).toBe("tool_use");
    const second = await client.messages.create({
      model: "r",
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: use!.type === "tool_use" ? use!.id : "", content: "sunny, 20C" },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: "sunny" }] as never);
    const sent = up.calls[1].body.messages;
    expect(
      sent[1].content.filter((b: { type: string }) => b.type === "tool_use").map((b: { id: string }) => b.id),
    ).toEqual(first.content.filter((b) => b.type === "tool_use").map((b) => b.id));
    expect(sent[2]).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", content: "sunny, 20C" }],
    });
  });

  test("which stop sequence ended the answer survives the round trip, streamed and not", async () => {
    const reply = { ...anthropicMessage([{ type: "text", text: "one two" }], "stop_sequence"), stop_sequence: "THREE" };
    const events = [
      { type: "message_start", message: { ...reply, content: [], stop_reason: null, stop_sequence: null } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "one two" } },
      { type: "content_block_stop", index: 0 },
      {
        type: "message_delta",
        delta: { stop_reason: "stop_sequence", stop_sequence: "THREE" },
        usage: { output_tokens: 2 },
      },
      { type: "message_stop" },
    ];
    const streamed = () =>
      new Response(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""), {
        headers: { "content-type": "text/event-stream" },
      });
    const { client } = rigWith((n) => (n === 0 ? json(reply) : streamed()), "anthropic");
    const params = {
      model: "r",
      max_tokens: 20,
      stop_sequences: ["THREE"],
      messages: [{ role: "user" as const, content: "count" }],
    };
    const whole = await client.messages.create(params);
    expect([whole.stop_reason, whole.stop_sequence]).toEqual(["stop_sequence", "THREE"]);
    const final = await client.messages.stream(params).finalMessage();
    expect([final.stop_reason, final.stop_sequence]).toEqual(["stop_sequence", "THREE"]);
  });

  test("an image reaches Anthropic as an image block again", async () => {
    const { up, client } = rigWith(() => anthropicFixture("anthropic-text"), "anthropic");
    const stream = client.messages.stream({
      model: "r",
      max_tokens: 100,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "text", text: "what?" },
          ],
        },
      ],
    });
    expect(await stream.finalText()).toBe("Hello!");
    expect(up.calls[0].body.messages[0].content[0]).toEqual({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: PNG },
    });
  });
});
