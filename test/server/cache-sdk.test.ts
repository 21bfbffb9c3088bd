// Cache hits replayed to the official SDKs over real HTTP on 127.0.0.1: a stream hit is a valid
// stream of the client's dialect (the openai SDK's chat stream with a tool call and usage, its
// Responses stream, the Anthropic SDK's message stream), and dialects never share an entry.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { faultGraph, faultSettings, startRig, stopAfterEach } from "./fault-harness.ts";
import { InstantClock } from "./fixtures.ts";
import { anthropicEvents, assertWellFormed, sdk } from "./messages-helpers.ts";
import { chunkJson, mockUpstream, sse, type Step } from "./mock-upstream.ts";

const track = stopAfterEach();
const CACHE = { ttlMs: 60_000, maxEntries: 100, maxBytes: 1_000_000, shared: false };

const STEPS: Step[] = [
  { data: chunkJson("a-up", { role: "assistant", content: "" }) },
  { data: chunkJson("a-up", { content: "Let me " }) },
  { data: chunkJson("a-up", { content: "check." }) },
  {
    data: chunkJson("a-up", {
      tool_calls: [
        { index: 0, id: "call_9", type: "function", function: { name: "get_weather", arguments: '{"city":' } },
      ],
    }),
  },
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
const TOOL = {
  type: "function" as const,
  function: { name: "get_weather", parameters: { type: "object" as const, properties: { city: { type: "string" } } } },
};

function rig() {
  const up = track(mockUpstream((_n, _b, call) => sse(STEPS, call)));
  const r = track(
    startRig(faultGraph([{ name: "a", upstream: up }], { ...faultSettings(), cache: CACHE }), {}, new InstantClock()),
  );
  return { up, url: r.url };
}

async function openaiStream(client: OpenAI) {
  const { data, response } = await client.chat.completions
    .create({
      model: "r",
      messages: [{ role: "user", content: "weather in Oslo?" }],
      tools: [TOOL],
      stream: true,
      stream_options: { include_usage: true },
    })
    .withResponse();
  let text = "";
  let finish: string | null = null;
  let usage: unknown = null;
  const args: string[] = [];
  for await (const part of data) {
    text += part.choices[0]?.delta?.content ?? "";
    for (const t of part.choices[0]?.delta?.tool_calls ?? [])
      args.push(`${t.id ?? ""}${t.function?.name ?? ""}${t.function?.arguments ?? ""}`);
    finish = part.choices[0]?.finish_reason ?? finish;
    usage = part.usage ?? usage;
  }
  return { cache: response.headers.get("x-switchyard-cache"), text, finish, args: args.join(""), usage };
}

describe("stream hits through the SDKs", () => {
  test("the openai SDK reads a stream hit like the original stream", async () => {
    const { up, url } = rig();
    const client = new OpenAI({ apiKey: "sk-client", baseURL: `${url}/v1`, maxRetries: 0 });
    const first = await openaiStream(client);
    const second = await openaiStream(client);
    expect(first).toMatchObject({
      cache: "miss",
      text: "Let me check.",
      finish: "tool_calls",
      args: 'call_9get_weather{"city":"Oslo"}',
    });
    expect(second).toEqual({ ...first, cache: "hit" });
    expect(up.calls.length).toBe(1);
    const plain = await client.chat.completions
      .create({ model: "r", messages: [{ role: "user", content: "weather in Oslo?" }], tools: [TOOL] })
      .withResponse();
    expect(plain.response.headers.get("x-switchyard-cache")).toBe("hit");
    expect(plain.data.choices[0]!.message.tool_calls).toEqual([
      { id: "call_9", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
    ] as never);
  });

  test("the Anthropic SDK reads a stream hit as a message stream; dialects do not share entries", async () => {
    const { up, url } = rig();
    const client = sdk(url);
    const ask = async () => {
      const stream = client.messages.stream({
        model: "r",
        max_tokens: 50,
        tools: [{ name: "get_weather", input_schema: TOOL.function.parameters }],
        messages: [{ role: "user", content: "weather in Oslo?" }],
      });
      const final = await stream.finalMessage();
      return { content: final.content, stop: final.stop_reason, out: final.usage.output_tokens };
    };
    const first = await ask();
    expect(up.calls.length).toBe(1);
    expect(await ask()).toEqual(first);
    expect(up.calls.length).toBe(1);
    expect(first.content).toEqual([
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "call_9", name: "get_weather", input: { city: "Oslo" } },
    ] as never);
    const raw = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "unused" },
      body: JSON.stringify({
        model: "r",
        max_tokens: 50,
        stream: true,
        tools: [{ name: "get_weather", input_schema: TOOL.function.parameters }],
        messages: [{ role: "user", content: "weather in Oslo?" }],
      }),
    });
    expect(raw.headers.get("x-switchyard-cache")).toBe("hit");
    assertWellFormed(anthropicEvents(await raw.text()));
    const openai = new OpenAI({ apiKey: "unused", baseURL: `${url}/v1`, maxRetries: 0 });
    expect((await openaiStream(openai)).cache).toBe("miss"); // same prompt, other dialect
  });

  test("the openai SDK's Responses API: a stream hit reads like the original, and a plain request hits it", async () => {
    const { up, url } = rig();
    const client = new OpenAI({ apiKey: "sk-client", baseURL: `${url}/v1`, maxRetries: 0 });
    const streamed = async () => {
      const stream = client.responses.stream({
        model: "r",
        input: "weather in Oslo?",
        tools: [{ type: "function", name: "get_weather", parameters: TOOL.function.parameters, strict: false }],
      });
      const final = await stream.finalResponse();
      return final.output.map((o) =>
        o.type === "message"
          ? o.content.map((c) => (c.type === "output_text" ? c.text : "")).join("")
          : o.type === "function_call"
            ? `${o.name}${o.arguments}`
            : o.type,
      );
    };
    const first = await streamed();
    expect(first).toEqual(["Let me check.", 'get_weather{"city":"Oslo"}']);
    expect(await streamed()).toEqual(first);
    const plain = await client.responses
      .create({
        model: "r",
        input: "weather in Oslo?",
        tools: [{ type: "function", name: "get_weather", parameters: TOOL.function.parameters, strict: false }],
      })
      .withResponse();
    expect(plain.response.headers.get("x-switchyard-cache")).toBe("hit");
    expect(plain.data.output_text).toBe("Let me check.");
    expect(up.calls.length).toBe(1);
  });
});
