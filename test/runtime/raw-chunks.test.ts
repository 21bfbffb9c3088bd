// Chunks passed on as the upstream's own text: the model splice must touch only the top-level
// `model` value and refuse anything it cannot do safely, and a repaired chunk must lose its text.
import { describe, expect, test } from "bun:test";
import { modelSplicer, normalizeChunk } from "../../src/runtime/stream/chunks.ts";
import { parseChunk } from "../../src/providers/openai-wire.ts";
import { RawJson, rawTextOf, type ChatChunk } from "../../src/runtime/upstream.ts";

describe("modelSplicer", () => {
  const splice = modelSplicer();
  const text = (o: unknown) => JSON.stringify(o);

  test("replaces the top-level model value and nothing else", () => {
    const raw = text({ id: "c", model: "up-1", choices: [{ index: 0, delta: { content: 'say "model":"up-1"' } }] });
    const out = splice(raw, "up-1", "policy-fast");
    expect(out).not.toBeNull();
    const parsed = JSON.parse(out!);
    expect(parsed.model).toBe("policy-fast");
    expect(parsed.choices[0].delta.content).toBe('say "model":"up-1"');
  });

  test("a start checked once is reused, and what follows it is still checked", () => {
    const own = modelSplicer();
    expect(own('{"id":"c","model":"up-1","n":1}', "up-1", "p")).toBe('{"id":"c","model":"p","n":1}');
    expect(own('{"id":"c","model":"up-1","n":2}', "up-1", "p")).toBe('{"id":"c","model":"p","n":2}');
    expect(own('{"id":"c","model":"up-1","n":{"model":"up-1"}}', "up-1", "p")).toBeNull();
    expect(own('{"id":"c","model":"up-1","n":3}', "up-1", "q")).toBe('{"id":"c","model":"q","n":3}');
    expect(own('{"id":"d","model":"up-2","n":4}', "up-2", "q")).toBe('{"id":"d","model":"q","n":4}');
  });

  test("names needing escapes survive the splice", () => {
    const out = splice(text({ model: 'a"b', x: 1 }), 'a"b', 'c\\d"');
    expect(JSON.parse(out!)).toEqual({ model: 'c\\d"', x: 1 });
  });

  test("refuses when the only compact model key is nested", () => {
    expect(splice(text({ id: "c", meta: { model: "up-1" } }), "up-1", "p")).toBeNull();
    expect(splice('{"id":"c","model" : "up-1","x":{"model":"up-1"}}', "up-1", "p")).toBeNull();
  });

  test("refuses a key spelled inside a string, a value that differs, or a later model key", () => {
    expect(splice('{"note":"x\\"model\\":\\"up-1","model":"up-1"}', "up-1", "p")).toBe(
      '{"note":"x\\"model\\":\\"up-1","model":"p"}',
    );
    expect(splice('{"x\\"model":"up-1","model":"up-1"}', "up-1", "p")).toBeNull(); // a key ending in `"model`
    expect(splice(text({ model: "other" }), "up-1", "p")).toBeNull();
    expect(splice('{"model":"up-1","extra":{"model":"z"}}', "up-1", "p")).toBeNull();
    expect(splice(text({ model: 3 }), 3, "p")).toBeNull();
  });
});

describe("raw text on chunks", () => {
  test("a chunk that needs repair loses the upstream's text", () => {
    const chunk = {
      choices: [{ index: 0, delta: {} }],
      usage: { prompt_tokens: 1, completion_tokens: 2 },
    } as unknown as ChatChunk;
    chunk.raw = new RawJson(JSON.stringify(chunk), chunk);
    const fixed = normalizeChunk(chunk)!;
    expect(fixed.usage?.total_tokens).toBe(3);
    expect(rawTextOf(fixed)).toBeUndefined();
  });

  test("a well-formed chunk keeps it and is not copied", () => {
    const chunk = { choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }] } as ChatChunk;
    chunk.raw = new RawJson("{}", chunk);
    expect(normalizeChunk(chunk)).toBe(chunk);
    expect(rawTextOf(chunk)).toBe("{}");
    expect(JSON.stringify(chunk)).toBe('{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}');
  });

  test("a copy made to change a chunk never carries the upstream's text (the wrong-bytes bug)", () => {
    const chunk = { id: "a", choices: [{ index: 0, delta: { content: "x" } }] } as ChatChunk;
    chunk.raw = new RawJson(JSON.stringify(chunk), chunk);
    const changed: ChatChunk = { ...chunk, id: "b" };
    expect(rawTextOf(changed)).toBeUndefined();
    expect(JSON.parse(JSON.stringify(changed)).id).toBe("b");
  });

  test("an upstream field named `raw` is the upstream's, not a text", () => {
    const text = '{"raw":"mine","choices":[{"index":0,"delta":{}}]}';
    const chunk = parseChunk(JSON.parse(text), text)!;
    expect(rawTextOf(chunk)).toBeUndefined();
    expect(JSON.parse(JSON.stringify(chunk)).raw).toBe("mine");
  });
});

describe("parseChunk", () => {
  test("accepts loose chunks, keeps extras and fills a missing delta", () => {
    const c = parseChunk({
      id: "x",
      system_fingerprint: "fp",
      choices: [{ index: 0, finish_reason: "stop" }],
      usage: null,
    });
    expect(c).toEqual({
      id: "x",
      system_fingerprint: "fp",
      choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      usage: null,
    });
  });

  test("keeps the JSON text only for a chunk it did not fill in", () => {
    const whole = '{"choices":[{"index":0,"delta":{"content":"a"}}]}';
    expect(rawTextOf(parseChunk(JSON.parse(whole), whole)!)).toBe(whole);
    const noDelta = '{"choices":[{"index":0,"finish_reason":"stop"}]}';
    expect(rawTextOf(parseChunk(JSON.parse(noDelta), noDelta)!)).toBeUndefined();
  });

  test("rejects what the engine cannot read", () => {
    expect(parseChunk({ choices: [{ delta: {} }] })).toBeNull();
    expect(parseChunk({ choices: [{ index: 0, delta: { content: 3 } }] })).toBeNull();
    expect(parseChunk({ choices: [{ index: 0, delta: { role: null } }] })).toBeNull();
    expect(parseChunk({ choices: [{ index: 0, delta: { tool_calls: {} } }] })).toBeNull();
    expect(parseChunk({ choices: [{ index: 0, delta: {}, finish_reason: 1 }] })).toBeNull();
    expect(parseChunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } })).toBeNull();
    expect(parseChunk({ choices: "no" })).toBeNull();
    expect(parseChunk(null)).toBeNull();
  });
});
