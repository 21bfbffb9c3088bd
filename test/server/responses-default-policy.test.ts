// The openai SDK's responses API and the Vercel AI SDK's default OpenAI provider (which speaks
// Responses) against the embedded default policy over real HTTP: what a new user sees on first
// run. The gateway's guarantees hold for Responses clients too: a tools request only lands on a
// model that can call tools. The clock is InstantClock, so simulated latencies cost no wall time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import defaultPolicy from "../../policies/default.route" with { type: "text" };
import { compilePolicySource } from "../../src/compile/index.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { createGateway } from "../../src/server/app.ts";
import { InstantClock, ports } from "./fixtures.ts";
import { assertWellFormed, responsesEvents, textOf } from "./responses-helpers.ts";

const compiled = compilePolicySource(defaultPolicy, "policies/default.route");
const gateway = createGateway({
  graph: compiled.graph!,
  ports: ports(new InstantClock()),
  adapters: defaultAdapters(),
});
let server: ReturnType<typeof Bun.serve>;
let url = "";
let sdk: OpenAI;

beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => gateway.fetch(req) });
  url = `http://127.0.0.1:${server.port}/v1`;
  sdk = new OpenAI({ apiKey: "unused", baseURL: url, maxRetries: 0 });
});
afterAll(() => server.stop(true));

const lookup = {
  type: "function" as const,
  name: "lookup",
  description: "looks a word up",
  parameters: { type: "object", properties: { word: { type: "string" } }, required: ["word"] },
  strict: false,
};

describe("openai sdk responses on the default policy", () => {
  test("create with a string input: a completed response with output_text and usage", async () => {
    const res = await sdk.responses.create({ model: "fast", input: "hello", instructions: "be brief" });
    expect(res.id).toStartWith("resp_");
    expect(res.object).toBe("response");
    expect(res.status).toBe("completed");
    expect(res.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(res.output_text).toMatch(/^token1 token2/);
    expect(res.usage!.output_tokens).toBeGreaterThan(0);
    expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);
    expect(res.instructions).toBe("be brief");
  });

  test("max_output_tokens cuts the answer: status incomplete, with the reason", async () => {
    const res = await sdk.responses.create({ model: "fast", input: "hello", max_output_tokens: 4 });
    expect(res.status).toBe("incomplete");
    expect(res.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  test("a function call round trip with item input goes only to models that can call tools", async () => {
    const { data: first, response } = await sdk.responses
      .create({
        model: "fast",
        input: [{ role: "user", content: "define gateway" }],
        tools: [lookup],
        tool_choice: "required",
      })
      .withResponse();
    expect(["smart", "steady"]).toContain(response.headers.get("x-switchyard-model") ?? "");
    const call = first.output.find((o) => o.type === "function_call");
    expect(call).toMatchObject({ type: "function_call", name: "lookup", status: "completed" });
    if (call?.type !== "function_call") throw new Error("no function call");
    expect(call.id).toStartWith("fc_");
    expect(() => JSON.parse(call.arguments)).not.toThrow();
    const second = await sdk.responses.create({
      model: "fast",
      tools: [lookup],
      input: [
        { role: "user", content: [{ type: "input_text", text: "define gateway" }] },
        { type: "function_call", call_id: call.call_id, name: "lookup", arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: "a way in" },
      ],
    });
    expect(second.status).toBe("completed");
    expect(second.output_text.length).toBeGreaterThan(0);
  });

  test("text.format json_schema returns JSON valid for the schema", async () => {
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, sunny: { type: "boolean" } },
      required: ["city", "sunny"],
      additionalProperties: false,
    };
    const res = await sdk.responses.create({
      model: "chat",
      input: "weather in Lisbon?",
      text: { format: { type: "json_schema", name: "weather", schema, strict: true } },
    });
    const parsed = JSON.parse(res.output_text) as { city: unknown; sunny: unknown };
    expect(typeof parsed.city).toBe("string");
    expect(typeof parsed.sunny).toBe("boolean");
  });

  test("stream: well-formed events, and the SDK's final response matches them", async () => {
    const raw = await fetch(`${url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "fast", input: "hello", stream: true, max_output_tokens: 64 }),
    });
    expect(raw.headers.get("content-type")).toStartWith("text/event-stream");
    const events = responsesEvents(await raw.text());
    assertWellFormed(events);
    expect(events.at(-1)!.event).toBe("response.completed");
    const stream = sdk.responses.stream({ model: "fast", input: "hello" });
    let deltas = "";
    stream.on("response.output_text.delta", (e) => (deltas += e.delta));
    const final = await stream.finalResponse();
    expect(final.status).toBe("completed");
    expect(final.output_text).toBe(deltas);
    expect(textOf(events)).toMatch(/^token1 token2/);
  });
});

test("inputTokens.count answers with the gateway's estimate", async () => {
  const small = await sdk.responses.inputTokens.count({ model: "chat", input: "hello" });
  const big = await sdk.responses.inputTokens.count({
    model: "chat",
    instructions: "x".repeat(400),
    input: "hello",
    tools: [lookup],
  });
  expect(small).toEqual({ object: "response.input_tokens", input_tokens: 2 } as never); // ceil(5 chars / 4)
  expect(big.input_tokens).toBeGreaterThan(100);
});

describe("the Vercel AI SDK's default openai provider (Responses) on the default policy", () => {
  const provider = () => createOpenAI({ apiKey: "unused", baseURL: url });

  test("generateText", async () => {
    const { text, finishReason, usage, response } = await generateText({
      model: provider()("fast"),
      prompt: "hello",
      maxRetries: 0,
    });
    expect(text).toMatch(/^token1 token2/);
    expect(finishReason).toBe("stop");
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(response.id).toStartWith("resp_");
  });

  test("streamText", async () => {
    const result = streamText({ model: provider()("fast"), prompt: "hello", maxRetries: 0 });
    let text = "";
    for await (const part of result.textStream) text += part;
    expect(text).toMatch(/^token1 token2/);
    expect(await result.finishReason).toBe("stop");
    expect((await result.response).id).toStartWith("resp_"); // it went through /v1/responses
  });

  test("generateText with a tool call, and structured output", async () => {
    const { toolCalls } = await generateText({
      model: provider()("fast"),
      prompt: "define gateway",
      tools: {
        lookup: tool({
          description: "looks a word up",
          inputSchema: jsonSchema<{ word: string }>(lookup.parameters as never),
        }),
      },
      toolChoice: "required",
      maxRetries: 0,
    });
    expect(toolCalls[0]?.toolName).toBe("lookup");
    const { output } = await generateText({
      model: provider()("chat"),
      prompt: "weather",
      output: Output.object({
        schema: jsonSchema<{ city: string }>({
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
          additionalProperties: false,
        }),
      }),
      maxRetries: 0,
    });
    expect(typeof output.city).toBe("string");
  });

  test("a multi-step tool loop: function calls go back as whole items", async () => {
    const lookupTool = tool({
      description: "looks a word up",
      inputSchema: jsonSchema<{ word: string }>(lookup.parameters as never),
      execute: async () => "a way in",
    });
    const { steps, text } = await generateText({
      model: provider()("fast"),
      prompt: "define gateway",
      tools: { lookup: lookupTool },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    expect(steps).toHaveLength(2);
    expect(steps[0]!.toolCalls[0]?.toolName).toBe("lookup");
    expect(text.length).toBeGreaterThan(0);
  });

  test("earlier assistant text the SDK would send as an item_reference: refused saying what to do, fine with store: false", async () => {
    // What the SDK's own response messages carry: the output item's id, which it refers to by id by default.
    const messages = [
      { role: "user" as const, content: "hi" },
      {
        role: "assistant" as const,
        content: [{ type: "text" as const, text: "hello", providerOptions: { openai: { itemId: "msg_earlier" } } }],
      },
      { role: "user" as const, content: "and again" },
    ];
    const err = await generateText({ model: provider()("fast"), messages, maxRetries: 0 }).catch((e) => e);
    expect(String(err.message)).toContain("store: false");
    const { text } = await generateText({
      model: provider()("fast"),
      messages,
      maxRetries: 0,
      providerOptions: { openai: { store: false } },
    });
    expect(text.length).toBeGreaterThan(0);
  });
});
