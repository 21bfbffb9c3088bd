// The official openai SDK (and the Vercel AI SDK's generateObject) against the embedded default
// policy, over real HTTP, with the real engine and the simulated providers: what a new user sees on
// first run. The clock is InstantClock, so the simulated latencies cost no wall time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOpenAI } from "@ai-sdk/openai";
import { generateObject, jsonSchema, type JSONSchema7 } from "ai";
import OpenAI from "openai";
import * as v from "valibot";
import defaultPolicy from "../../policies/default.route" with { type: "text" };
import { compilePolicySource } from "../../src/compile/index.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { createGateway } from "../../src/server/app.ts";
import { InstantClock, ports } from "./fixtures.ts";

const compiled = compilePolicySource(defaultPolicy, "policies/default.route");
const gateway = createGateway({
  graph: compiled.graph!,
  ports: ports(new InstantClock()),
  adapters: defaultAdapters(),
});
let server: ReturnType<typeof Bun.serve>;
let sdk: OpenAI;

beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => gateway.fetch(req) });
  sdk = new OpenAI({ apiKey: "unused", baseURL: `http://127.0.0.1:${server.port}/v1`, maxRetries: 0 });
});
afterAll(() => server.stop(true));

describe("openai sdk on the default policy: embeddings", () => {
  test("embeddings.create (base64 on the wire, the SDK's default) returns the same non-zero vectors as float", async () => {
    const input = ["the quick brown fox", "jumps"];
    const viaBase64 = await sdk.embeddings.create({ model: "embed", input });
    const viaFloat = await sdk.embeddings.create({ model: "embed", input, encoding_format: "float" });
    expect(viaBase64.data).toHaveLength(2);
    for (const [i, item] of viaBase64.data.entries()) {
      expect(item.embedding).toHaveLength(8);
      expect(item.embedding.some((x) => x !== 0)).toBe(true);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
      item.embedding.forEach((x, j) => expect(x).toBeCloseTo(viaFloat.data[i]!.embedding[j]!, 6));
    }
  });

  test("encoding_format base64 is sent as a base64 string of little-endian float32s", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "embed", input: "hi", encoding_format: "base64" }),
    });
    const body = (await res.json()) as { data: { embedding: unknown }[] };
    expect(typeof body.data[0]!.embedding).toBe("string");
    const bytes = Buffer.from(body.data[0]!.embedding as string, "base64");
    expect(bytes.length).toBe(32);
    expect(bytes.readFloatLE(0)).not.toBe(0);
  });
});

/** A JSON schema the way SDKs send one, and the same shape as a valibot schema to check replies. */
const weatherSchema = {
  type: "object",
  properties: {
    city: { type: "string", minLength: 3 },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    temperature: { type: "number", minimum: -50, maximum: 50 },
    days: { type: "integer", minimum: 1, maximum: 7 },
    sunny: { type: "boolean" },
    hourly: {
      type: "array",
      items: {
        type: "object",
        properties: { hour: { type: "integer", minimum: 0, maximum: 23 }, note: { type: ["string", "null"] } },
        required: ["hour", "note"],
        additionalProperties: false,
      },
    },
  },
  required: ["city", "unit", "temperature", "days", "sunny", "hourly"],
  additionalProperties: false,
};
const Weather = v.strictObject({
  city: v.pipe(v.string(), v.minLength(3)),
  unit: v.picklist(["celsius", "fahrenheit"]),
  temperature: v.pipe(v.number(), v.minValue(-50), v.maxValue(50)),
  days: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7)),
  sunny: v.boolean(),
  hourly: v.array(
    v.strictObject({
      hour: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(23)),
      note: v.nullable(v.string()),
    }),
  ),
});
const weatherTool: OpenAI.ChatCompletionTool = {
  type: "function",
  function: { name: "get_weather", description: "weather for a city", parameters: weatherSchema },
};
const ask = (extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
  sdk.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "weather in Lisbon?" }], ...extra });

describe("openai sdk on the default policy: reply shapes", () => {
  test("json_object: the content parses as a JSON object", async () => {
    const res = await ask({ response_format: { type: "json_object" } });
    const parsed = JSON.parse(res.choices[0]!.message.content!);
    expect(typeof parsed).toBe("object");
  });

  test("json_schema: the content validates against the schema, the same for the same request", async () => {
    const format = {
      type: "json_schema" as const,
      json_schema: { name: "weather", strict: true, schema: weatherSchema },
    };
    const res = await ask({ response_format: format, seed: 7 });
    const value = v.parse(Weather, JSON.parse(res.choices[0]!.message.content!));
    expect(value.hourly.length).toBeGreaterThan(0);
    const again = await ask({ response_format: format, seed: 7 });
    expect(again.choices[0]!.message.content).toBe(res.choices[0]!.message.content);
  });

  test("tools: a tool call arrives with arguments shaped by the parameters; none after a tool result, none for tool_choice none", async () => {
    const res = await ask({ tools: [weatherTool] });
    const call = res.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.function.name).toBe("get_weather");
    v.parse(Weather, JSON.parse(call.function.arguments));
    const followUp = await sdk.chat.completions.create({
      model: "chat",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "weather in Lisbon?" },
        res.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: '{"temperature": 21}' },
      ],
    });
    expect(followUp.choices[0]!.message.tool_calls ?? []).toHaveLength(0);
    expect(followUp.choices[0]!.message.content?.length).toBeGreaterThan(0);
    const refused = await ask({ tools: [weatherTool], tool_choice: "none" });
    expect(refused.choices[0]!.message.tool_calls ?? []).toHaveLength(0);
  });

  test("tools in a stream: tool-call deltas accumulate into the same call", async () => {
    const stream = sdk.chat.completions.stream({
      model: "chat",
      messages: [{ role: "user", content: "weather?" }],
      tools: [weatherTool],
      tool_choice: "required",
      stream: true,
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    v.parse(Weather, JSON.parse(call.function.arguments));
  });

  test("n=2 gives two choices, non-stream and stream", async () => {
    const res = await ask({ n: 2 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    for (const c of res.choices) expect(c.message.content?.length).toBeGreaterThan(0);
    const stream = await sdk.chat.completions.create({
      model: "chat",
      messages: [{ role: "user", content: "hi" }],
      n: 2,
      stream: true,
      response_format: { type: "json_object" },
    });
    const texts = ["", ""];
    for await (const part of stream) for (const c of part.choices) texts[c.index] += c.delta?.content ?? "";
    for (const t of texts) expect(typeof JSON.parse(t)).toBe("object");
  });
});

describe("vercel ai sdk on the default policy", () => {
  test("generateObject through the chat-completions provider returns an object valid for the schema", async () => {
    const openai = createOpenAI({ apiKey: "unused", baseURL: `http://127.0.0.1:${server.port}/v1` });
    const { object } = await generateObject({
      model: openai.chat("chat"),
      schema: jsonSchema<v.InferOutput<typeof Weather>>(weatherSchema as JSONSchema7),
      prompt: "weather in Lisbon?",
      maxRetries: 0,
    });
    expect(v.parse(Weather, object).city.length).toBeGreaterThanOrEqual(3);
  });
});
