// Native pass-through: /v1/messages to an `anthropic` upstream sends the client's own Messages body
// (model rewritten), so cache_control and signed thinking blocks reach Anthropic intact, and a tool
// loop with thinking enabled works, streamed and not. The engine still supervises: failover to an
// OpenAI-kind model and a mid-stream continuation go through the translation.
import { describe, expect, test } from "bun:test";
import type Anthropic from "@anthropic-ai/sdk";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";
import { faultSettings, startRig, stopAfterEach } from "./fault-harness.ts";
import { anthropicMessage, anthropicStreamOf, mixedGraph, sdk } from "./messages-helpers.ts";
import { chunkJson, completionBody, finish, json, mockUpstream, sse, type Script } from "./mock-upstream.ts";

const track = stopAfterEach();
const ALL_CAPS = Object.values(CAP_BIT).reduce((a, b) => a | b, 0);

const weatherTool = {
  name: "get_weather",
  description: "the weather in a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
  cache_control: { type: "ephemeral" as const },
};
const system = [
  { type: "text" as const, text: "you are a weather bot", cache_control: { type: "ephemeral" as const } },
];
const thinking = { type: "enabled" as const, budget_tokens: 1024 };

const firstTurn = anthropicMessage(
  [
    { type: "thinking", thinking: "the user wants paris", signature: "c2lnbmVkLXRoaW5raW5n+/=" },
    { type: "redacted_thinking", data: "RURBQ1RFRC1kYXRh==" },
    { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
  ],
  "tool_use",
);
const secondTurn = anthropicMessage([{ type: "text", text: "sunny in Paris" }]);

type Kind = "openai" | "anthropic";

function rig(models: { name: string; kind: Kind; script: Script }[]) {
  const ups = models.map((m) => ({ ...m, upstream: track(mockUpstream(m.script)) }));
  const graph = mixedGraph(
    ups.map((m) => ({ name: m.name, upstream: m.upstream, kind: m.kind, extra: { caps: ALL_CAPS } })),
    faultSettings({ timeout: { firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 } }),
  );
  const gateway = track(startRig(graph));
  return { ups: ups.map((m) => m.upstream), client: sdk(gateway.url) };
}

async function ask(client: Anthropic, stream: boolean, params: Anthropic.MessageCreateParamsNonStreaming) {
  if (stream)
    return client.messages
      .stream(params, { headers: { "anthropic-beta": "interleaved-thinking-2025-05-14" } })
      .finalMessage();
  return client.messages.create(params, { headers: { "anthropic-beta": "interleaved-thinking-2025-05-14" } });
}

describe("messages → anthropic: native pass-through", () => {
  for (const stream of [false, true]) {
    test(`a tool loop with thinking keeps cache_control and the signed blocks (${stream ? "stream" : "whole"})`, async () => {
      const reply = (m: Record<string, any>) => (stream ? anthropicStreamOf(m) : json(m));
      const { ups, client } = rig([
        { name: "a", kind: "anthropic", script: (n) => reply(n === 0 ? firstTurn : secondTurn) },
      ]);
      const question = { role: "user" as const, content: "weather in Paris?" };
      const base = { model: "r", max_tokens: 2048, system, tools: [weatherTool], thinking };
      const first = await ask(client, stream, { ...base, messages: [question] });
      expect(first.content).toEqual(firstTurn.content as never);
      expect(first.stop_reason).toBe("tool_use");

      const result = {
        role: "user" as const,
        content: [
          {
            type: "tool_result" as const,
            tool_use_id: "toolu_1",
            content: "sunny, 20C",
            cache_control: { type: "ephemeral" as const },
          },
        ],
      };
      const second = await ask(client, stream, {
        ...base,
        messages: [question, { role: "assistant", content: first.content }, result],
      });
      expect(second.content).toEqual([{ type: "text", text: "sunny in Paris" }] as never);

      const [sent1, sent2] = ups[0]!.calls.map((c) => c.body);
      for (const sent of [sent1!, sent2!]) {
        expect(sent.model).toBe("a-up");
        expect(sent.system).toEqual(system);
        expect(sent.tools).toEqual([weatherTool]);
        expect(sent.thinking).toEqual(thinking);
        expect(sent.stream).toBe(stream ? true : undefined);
      }
      expect(sent2!.messages).toEqual([question, { role: "assistant", content: firstTurn.content }, result]);
      expect(ups[0]!.calls[1]!.headers.get("anthropic-beta")).toBe("interleaved-thinking-2025-05-14");
    });
  }

  test("failover to an OpenAI-kind model uses the translation", async () => {
    const { ups, client } = rig([
      { name: "a", kind: "anthropic", script: () => json({ type: "error", error: { type: "overloaded_error" } }, 529) },
      { name: "b", kind: "openai", script: () => json(completionBody("b-up", "from b")) },
    ]);
    const msg = await client.messages.create({
      model: "r",
      max_tokens: 100,
      system,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content).toEqual([{ type: "text", text: "from b" }] as never);
    expect(ups[0]!.calls[0]!.body.system).toEqual(system);
    expect(ups[1]!.calls[0]!.body.messages).toEqual([
      { role: "system", content: "you are a weather bot" },
      { role: "user", content: "hi" },
    ]);
  });

  test("a stream cut mid-answer continues on the next anthropic model through the translation", async () => {
    const start = { type: "message_start", message: { ...anthropicMessage([]), stop_reason: null } };
    const cut = () =>
      sse([
        { data: start },
        { data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
        { data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } } },
        { end: "close" },
      ]);
    const { ups, client } = rig([
      { name: "a", kind: "anthropic", script: cut },
      {
        name: "b",
        kind: "anthropic",
        script: () => anthropicStreamOf(anthropicMessage([{ type: "text", text: " world" }])),
      },
    ]);
    const msg = await client.messages
      .stream({ model: "r", max_tokens: 100, system, messages: [{ role: "user", content: "greet" }] })
      .finalMessage();
    expect(msg.content).toEqual([{ type: "text", text: "Hello world" }] as never);
    expect(ups[0]!.calls[0]!.body.system).toEqual(system); // native
    const continued = ups[1]!.calls[0]!.body;
    expect(continued.system).toBe("you are a weather bot"); // translated: the delivered text as a prefill
    expect(continued.messages.at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: "Hello" }] });
  });
});

describe("messages: thinking_blocks from other upstreams", () => {
  test("malformed thinking_blocks from an OpenAI-kind upstream are skipped, not rendered or thrown on", async () => {
    const { client } = rig([
      {
        name: "a",
        kind: "openai",
        script: () =>
          sse([
            { data: chunkJson("a-up", { role: "assistant", content: "" }) },
            { data: chunkJson("a-up", { reasoning_content: "hmm" }) },
            { data: chunkJson("a-up", { thinking_blocks: 5 }) },
            { data: chunkJson("a-up", { thinking_blocks: ["x", { type: "thinking", signature: 3 }, null] }) },
            { data: chunkJson("a-up", { thinking_blocks: [{ type: "thinking", thinking: "", signature: "ok" }] }) },
            { data: chunkJson("a-up", { content: "fine" }) },
            ...finish("a-up"),
            { end: "done" },
          ]),
      },
    ]);
    const msg = await client.messages
      .stream({ model: "r", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(msg.content).toEqual([
      { type: "thinking", thinking: "hmm", signature: "ok" },
      { type: "text", text: "fine" },
    ] as never);
  });
});
