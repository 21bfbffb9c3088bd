// Anthropic streaming translation from recorded event sequences, split into small pieces so the
// events arrive across network-sized chunks like they would in production.
import { describe, expect, test } from "bun:test";
import { anthropicTranslator } from "../../src/providers/anthropic-stream.ts";
import { sseChunks } from "../../src/providers/sse-chunks.ts";
import type { ChatChunk } from "../../src/runtime/upstream.ts";
import { bodyOf, collect, contentOf, pieces, rejection } from "./helpers.ts";

const fixture = (name: string) => Bun.file(`${import.meta.dir}/fixtures/${name}.sse`).text();

async function translate(
  name: string,
  opts: { includeUsage?: boolean; prefillTrimmed?: string; cutAfter?: number } = {},
) {
  let text = await fixture(name);
  if (opts.cutAfter !== undefined) text = text.slice(0, opts.cutAfter);
  const translator = anthropicTranslator({
    provider: "claude",
    apiKey: "sk-ant-secret",
    includeUsage: opts.includeUsage ?? false,
    prefillTrimmed: opts.prefillTrimmed ?? "",
    nowMs: 1_700_000_000_000,
  });
  return sseChunks(bodyOf(pieces(text, 17)), new AbortController().signal, translator);
}

const finishes = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);

describe("anthropic stream translation", () => {
  test("text: one role chunk first, text deltas as content, end_turn → stop", async () => {
    const chunks = await collect(await translate("anthropic-text"));
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.filter((c) => c.choices[0]?.delta.role).length).toBe(1);
    expect(contentOf(chunks)).toBe("Hello!");
    expect(finishes(chunks)).toEqual(["stop"]);
    expect(
      chunks.every((c) => c.id === "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY" && c.model === "claude-sonnet-4-5"),
    ).toBe(true);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.created === 1_700_000_000)).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  test("a final usage chunk when include_usage was asked for", async () => {
    const chunks = await collect(await translate("anthropic-text", { includeUsage: true }));
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 });
  });

  test("tool_use: tool_calls deltas with index, id and name, then argument fragments", async () => {
    const chunks = await collect(await translate("anthropic-tool-use"));
    expect(contentOf(chunks)).toBe("Okay, let's check the weather.");
    const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls ?? []) as any[]);
    expect(calls[0]).toEqual({
      index: 0,
      id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    const args = (i: number) =>
      calls
        .filter((c) => c.index === i)
        .map((c) => c.function.arguments)
        .join("");
    expect(JSON.parse(args(0))).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
    expect(calls.find((c) => c.index === 1)).toMatchObject({ id: "toolu_02", function: { name: "get_time" } });
    expect(JSON.parse(args(1))).toEqual({ tz: "PST" });
    expect(finishes(chunks)).toEqual(["tool_calls"]);
  });

  test("thinking: reasoning_content deltas, the signature as a thinking block, cached tokens counted in the prompt", async () => {
    const chunks = await collect(await translate("anthropic-thinking", { includeUsage: true }));
    const reasoning = chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("");
    expect(reasoning).toBe("Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3");
    expect(contentOf(chunks)).toBe("27 * 453 = 12,231");
    const signed = chunks.flatMap((c) => c.choices[0]?.delta.thinking_blocks ?? []);
    expect(signed).toHaveLength(1);
    expect(signed[0]).toMatchObject({ type: "thinking", thinking: "" });
    expect(signed[0]!.type === "thinking" && signed[0]!.signature).toStartWith("EqQBCgIYAhIM");
    expect(chunks[chunks.length - 1].usage).toMatchObject({
      prompt_tokens: 50,
      completion_tokens: 52,
      total_tokens: 102,
      prompt_tokens_details: { cached_tokens: 10 },
    });
  });

  test("max_tokens → length", async () => {
    const chunks = await collect(await translate("anthropic-max-tokens"));
    expect(contentOf(chunks)).toBe("The first three primes are 2, 3");
    expect(finishes(chunks)).toEqual(["length"]);
  });

  test("an overloaded error event is a server failure, after the text before it was delivered", async () => {
    const it = await translate("anthropic-error");
    const seen: ChatChunk[] = [];
    const err = await rejection(
      (async () => {
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          seen.push(r.value);
        }
      })(),
    );
    expect(contentOf(seen)).toBe("Once upon");
    expect(err.cls).toBe("server");
    expect(err.code).toBe("overloaded_error");
  });

  test("a rate_limit_error event is rate_limit", async () => {
    const text = 'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow"}}\n\n';
    const translator = anthropicTranslator({
      provider: "c",
      apiKey: undefined,
      includeUsage: false,
      prefillTrimmed: "",
      nowMs: 0,
    });
    expect((await rejection(collect(sseChunks(bodyOf([text]), new AbortController().signal, translator)))).cls).toBe(
      "rate_limit",
    );
  });

  test("a stream cut before message_delta is a cut; after it, it ends normally", async () => {
    const text = await fixture("anthropic-text");
    const beforeFinish = text.indexOf("event: message_delta");
    expect((await rejection(collect(await translate("anthropic-text", { cutAfter: beforeFinish })))).cls).toBe("cut");
    const afterFinish = text.indexOf("event: message_stop");
    const chunks = await collect(await translate("anthropic-text", { cutAfter: afterFinish, includeUsage: true }));
    expect(finishes(chunks)).toEqual(["stop"]);
    expect(chunks[chunks.length - 1].usage?.completion_tokens).toBe(15);
  });

  test("whitespace trimmed from a prefill is not repeated by the continuation", async () => {
    // A first delta that does not start with the trimmed whitespace is left alone.
    const chunks = await collect(await translate("anthropic-max-tokens", { prefillTrimmed: " " }));
    expect(contentOf(chunks)).toBe("The first three primes are 2, 3");
    const spaced = anthropicTranslator({
      provider: "c",
      apiKey: undefined,
      includeUsage: false,
      prefillTrimmed: " ",
      nowMs: 0,
    });
    const events = [
      'data: {"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":1}}}',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" "}}',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}',
      'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}',
      'data: {"type":"message_stop"}',
    ];
    const out = await collect(sseChunks(bodyOf([events.join("\n\n") + "\n\n"]), new AbortController().signal, spaced));
    expect(contentOf(out)).toBe(" world");
  });
});
