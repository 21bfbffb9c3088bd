// Request needs inference and compiled rule conditions.
import { describe, expect, test } from "bun:test";
import { compileCond } from "../../src/runtime/plan/conditions.ts";
import { inferChatNeeds, inferEmbeddingNeeds } from "../../src/runtime/plan/needs.ts";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";

describe("inferChatNeeds", () => {
  test("tools, vision, json and stream each set their capability bit", () => {
    const n = inferChatNeeds({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "what is this" },
            { type: "image_url", image_url: { url: "x" } },
          ],
        },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
      response_format: { type: "json_schema", json_schema: {} },
      stream: true,
    });
    expect(n.mask).toBe(CAP_BIT.tools | CAP_BIT.vision | CAP_BIT.json | CAP_BIT.stream);
    expect(n.stream).toBe(true);
  });

  test("plain chat needs nothing special; tool_choice none does not need tools", () => {
    expect(inferChatNeeds({ messages: [{ role: "user", content: "hi" }], tool_choice: "none" }).mask).toBe(0);
    expect(inferChatNeeds({ messages: [], response_format: { type: "text" } }).mask).toBe(0);
  });

  test("estimates prompt tokens as chars/4 over text and tool schemas, and reads max tokens", () => {
    const n = inferChatNeeds({ messages: [{ role: "user", content: "x".repeat(400) }], max_tokens: 50 });
    expect(n.promptTokens).toBe(100);
    expect(n.maxTokens).toBe(50);
    const withTools = inferChatNeeds({
      messages: [{ role: "user", content: "x".repeat(400) }],
      tools: [{ big: "y".repeat(400) }],
    });
    expect(withTools.promptTokens).toBeGreaterThan(200);
    expect(inferChatNeeds({ messages: [], max_completion_tokens: 9, max_tokens: 5 }).maxTokens).toBe(9);
  });

  test("embeddings need the embeddings capability", () => {
    const n = inferEmbeddingNeeds({ input: ["abcd", "efgh"] });
    expect(n.mask).toBe(CAP_BIT.embeddings);
    expect(n.promptTokens).toBe(2);
  });
});

describe("compileCond", () => {
  const input = (over: Partial<Parameters<ReturnType<typeof compileCond>>[0]> = {}) => ({
    needs: CAP_BIT.tools,
    promptTokens: 500,
    headers: new Headers({ "x-tier": "gold" }),
    body: { temperature: 0.2, metadata: { team: "search" }, user: "alice@example.com" },
    ...over,
  });

  test("caps, tokens and boolean combinators", () => {
    expect(compileCond({ op: "caps", mask: CAP_BIT.tools })(input())).toBe(true);
    expect(compileCond({ op: "caps", mask: CAP_BIT.tools | CAP_BIT.vision })(input())).toBe(false);
    expect(compileCond({ op: "tokens", cmp: ">", value: 400 })(input())).toBe(true);
    const cond = compileCond({
      op: "and",
      args: [
        { op: "not", arg: { op: "caps", mask: CAP_BIT.vision } },
        {
          op: "or",
          args: [
            { op: "tokens", cmp: "<", value: 10 },
            { op: "caps", mask: CAP_BIT.tools },
          ],
        },
      ],
    });
    expect(cond(input())).toBe(true);
    expect(compileCond(null)(input())).toBe(true);
  });

  test("header, metadata and param comparisons; missing values never match ordinary ops", () => {
    expect(compileCond({ op: "header", name: "x-tier", cmp: "==", value: "gold" })(input())).toBe(true);
    expect(compileCond({ op: "header", name: "x-tier", cmp: "in", value: ["silver", "gold"] })(input())).toBe(true);
    expect(compileCond({ op: "header", name: "x-missing", cmp: "starts_with", value: "g" })(input())).toBe(false);
    expect(compileCond({ op: "header", name: "x-missing", cmp: "==", value: null })(input())).toBe(true);
    expect(compileCond({ op: "metadata", name: "team", cmp: "==", value: "search" })(input())).toBe(true);
    expect(compileCond({ op: "param", name: "temperature", cmp: "<=", value: 0.5 })(input())).toBe(true);
    expect(compileCond({ op: "param", name: "user", cmp: "matches", value: "@example\\.com$" })(input())).toBe(true);
    expect(compileCond({ op: "param", name: "user", cmp: "ends_with", value: ".org" })(input())).toBe(false);
    expect(compileCond({ op: "param", name: "metadata.team", cmp: "contains", value: "arc" })(input())).toBe(true);
    expect(compileCond({ op: "param", name: "temperature", cmp: "!=", value: 0.2 })(input())).toBe(false);
  });
});

describe("prefill and reasoning", () => {
  test("a trailing assistant message needs prefill; reasoning controls need reasoning", () => {
    const user = { role: "user", content: "write a haiku" };
    expect(inferChatNeeds({ messages: [user] }).mask & CAP_BIT.prefill).toBe(0);
    expect(inferChatNeeds({ messages: [user, { role: "assistant", content: "Autumn" }] }).mask & CAP_BIT.prefill).toBe(
      CAP_BIT.prefill,
    );
    expect(inferChatNeeds({ messages: [user], reasoning_effort: "high" }).mask & CAP_BIT.reasoning).toBe(
      CAP_BIT.reasoning,
    );
    expect(inferChatNeeds({ messages: [user] }).mask & CAP_BIT.reasoning).toBe(0);
  });

  test("Anthropic's `thinking` (carried by /v1/messages) needs reasoning unless it is disabled", () => {
    const user = { role: "user", content: "think" };
    expect(
      inferChatNeeds({ messages: [user], thinking: { type: "enabled", budget_tokens: 1024 } }).mask & CAP_BIT.reasoning,
    ).toBe(CAP_BIT.reasoning);
    expect(inferChatNeeds({ messages: [user], thinking: { type: "adaptive" } }).mask & CAP_BIT.reasoning).toBe(
      CAP_BIT.reasoning,
    );
    expect(inferChatNeeds({ messages: [user], thinking: { type: "disabled" } }).mask & CAP_BIT.reasoning).toBe(0);
  });
});
