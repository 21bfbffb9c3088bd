// The Anthropic adapter end to end against a real local upstream: endpoint, headers, reply
// translation and error classification from Anthropic's error JSON.
import { describe, expect, test } from "bun:test";
import { anthropicAdapter } from "../../src/providers/anthropic.ts";
import { call, collect, contentOf, provider, realPorts, rejection, scriptedUpstream } from "./helpers.ts";

const KEY = "sk-ant-api03-SECRETSECRET";
const up = scriptedUpstream();

const ports = realPorts();
const claude = () => provider({ name: "claude", kind: "anthropic", baseUrl: up.base });
const chatBody = {
  model: "claude-x",
  messages: [{ role: "user", content: "hi" }],
  stream_options: { include_usage: true },
};

describe("anthropic adapter", () => {
  test("non-stream: POST /messages with x-api-key and anthropic-version, reply translated", async () => {
    let seen: { path: string; headers: Headers; body: any } | null = null;
    up.handler = async (req) => {
      seen = { path: new URL(req.url).pathname, headers: req.headers, body: await req.json() };
      return Response.json({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-x",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig" },
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Paris" } },
        ],
        stop_reason: "tool_use",
        stop_sequence: null,
        usage: { input_tokens: 20, output_tokens: 7 },
      });
    };
    const reply = await anthropicAdapter.chat(call({ provider: claude(), body: chatBody, apiKey: KEY }), ports);
    expect(seen!.path).toBe("/v1/messages");
    expect(seen!.headers.get("x-api-key")).toBe(KEY);
    expect(seen!.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(seen!.headers.get("authorization")).toBeNull();
    expect(seen!.body.max_tokens).toBe(4096);
    expect(seen!.body.stream).toBeUndefined();
    if (reply.kind !== "completion") throw new Error("expected a completion");
    expect(reply.body.choices[0] as unknown).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "Let me check.",
        reasoning_content: "hmm",
        thinking_blocks: [{ type: "thinking", thinking: "hmm", signature: "sig" }],
        tool_calls: [{ id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }],
      },
      finish_reason: "tool_calls",
    });
    expect(reply.body.usage).toEqual({ prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 });
  });

  test("refusal maps to content_filter", async () => {
    up.handler = () =>
      Response.json({
        id: "m",
        model: "c",
        content: [],
        stop_reason: "refusal",
        usage: { input_tokens: 1, output_tokens: 0 },
      });
    const reply = await anthropicAdapter.chat(call({ provider: claude(), body: chatBody }), ports);
    if (reply.kind !== "completion") throw new Error("expected a completion");
    expect(reply.body.choices[0].finish_reason).toBe("content_filter");
  });

  test("stream: the recorded event stream comes back as OpenAI chunks with usage", async () => {
    let sent: any = null;
    const recorded = await Bun.file(`${import.meta.dir}/fixtures/anthropic-text.sse`).text();
    up.handler = async (req) => {
      sent = await req.json();
      return new Response(recorded, { headers: { "content-type": "text/event-stream" } });
    };
    const reply = await anthropicAdapter.chat(call({ provider: claude(), body: chatBody, stream: true }), ports);
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toBeUndefined();
    if (reply.kind !== "stream") throw new Error("expected a stream");
    const chunks = await collect(reply.chunks);
    expect(contentOf(chunks)).toBe("Hello!");
    expect(chunks[chunks.length - 1].usage?.total_tokens).toBe(40);
  });

  const errorJson = (type: string, message: string) => JSON.stringify({ type: "error", error: { type, message } });
  const cases: [number, string, string, string][] = [
    [529, "overloaded_error", "Overloaded", "server"],
    [500, "api_error", "Internal server error", "server"],
    [429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", "rate_limit"],
    [400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum", "context_length"],
    [400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API.", "quota"],
    [400, "invalid_request_error", "messages: roles must alternate", "client"],
    [401, "authentication_error", `invalid x-api-key ${KEY}`, "auth"],
    [403, "permission_error", "no access", "auth"],
    [404, "not_found_error", "model: claude-nope", "not_found"],
  ];
  for (const [status, type, message, cls] of cases) {
    test(`${status} ${type} (${message.slice(0, 24)}…) → ${cls}`, async () => {
      up.handler = () =>
        new Response(errorJson(type, message), {
          status,
          headers: { "content-type": "application/json", "retry-after": "2" },
        });
      const err = await rejection(
        anthropicAdapter.chat(call({ provider: claude(), body: chatBody, apiKey: KEY }), ports),
      );
      expect(err.cls).toBe(cls);
      expect(err.status).toBe(status);
      expect(err.code).toBe(type);
      expect(err.message).not.toContain("SECRET");
      if (cls === "rate_limit") expect(err.retryAfterMs).toBe(2000);
    });
  }

  test("embeddings are refused as a client error without a request", async () => {
    let requests = 0;
    up.handler = () => (requests++, new Response("{}"));
    const err = await rejection(anthropicAdapter.embeddings(call({ provider: claude(), body: { input: "x" } }), ports));
    expect([err.cls, err.status, requests]).toEqual(["client", 400, 0]);
  });
});
