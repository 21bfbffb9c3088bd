// The Anthropic SDK against the embedded default policy (offline simulated providers) over real
// HTTP: the gateway's own guarantees hold for Messages clients too: an image or tools request only
// lands on a model that can do it, a thinking request never reaches a model without `reasoning`,
// and count_tokens answers with the gateway's estimate.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import defaultPolicy from "../../policies/default.route" with { type: "text" };
import { compilePolicySource } from "../../src/compile/index.ts";
import { createNetworkTransport, defaultAdapters } from "../../src/providers/index.ts";
import { systemRandom } from "../../src/ports/seeded-random.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { createGateway } from "../../src/server/app.ts";
import { anthropicEvents, assertWellFormed, sdk } from "./messages-helpers.ts";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const tool = {
  name: "lookup",
  description: "looks a word up",
  input_schema: { type: "object" as const, properties: { word: { type: "string" } } },
};

let server: ReturnType<typeof Bun.serve>;
let url = "";
let client: Anthropic;

beforeAll(() => {
  const graph = compilePolicySource(defaultPolicy, "policies/default.route").graph!;
  const gateway = createGateway({
    graph,
    ports: {
      clock: new SystemClock(),
      random: systemRandom,
      transport: createNetworkTransport(),
      secrets: { get: () => undefined },
    },
    adapters: defaultAdapters(),
  });
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => gateway.fetch(req) });
  url = `http://127.0.0.1:${server.port}`;
  client = sdk(url);
});
afterAll(() => server.stop(true));

describe("messages against the embedded default policy", () => {
  test("create: a text answer with usage and a stop reason", async () => {
    const msg = await client.messages.create({
      model: "fast",
      max_tokens: 256,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(msg.content[0].type).toBe("text");
    expect(msg.content[0].type === "text" && msg.content[0].text.length).toBeGreaterThan(0);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  test("stream: well-formed events, and the SDK's text matches them", async () => {
    const res = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "fast",
        max_tokens: 8,
        stream: true,
        messages: [{ role: "user", content: "hello" }],
      }),
    });
    const events = anthropicEvents(await res.text());
    assertWellFormed(events);
    expect(events.at(-1)!.event).toBe("message_stop");
    const text = await client.messages
      .stream({ model: "fast", max_tokens: 8, messages: [{ role: "user", content: "hello" }] })
      .finalText();
    expect(text).toMatch(/^token1 token2/);
  });

  test("an image goes only to a model that can see", async () => {
    const { data, response } = await client.messages
      .create({
        model: "chat",
        max_tokens: 8,
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
              { type: "text", text: "what is this?" },
            ],
          },
        ],
      })
      .withResponse();
    expect(["smart", "steady"]).toContain(response.headers.get("x-switchyard-model") ?? "");
    expect(data.stop_reason).toBe("max_tokens");
  });

  test("a tool round trip goes only to models that can call tools", async () => {
    const stream = client.messages.stream({
      model: "fast",
      max_tokens: 8,
      tools: [tool],
      messages: [
        { role: "user", content: "define gateway" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "lookup", input: { word: "gateway" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a way in" }] },
      ],
    });
    const final = await stream.finalMessage();
    expect(["smart", "steady"]).toContain(final.model);
    expect(final.content[0].type).toBe("text");
  });

  test("thinking needs `reasoning`, which no model here has: an Anthropic-shaped error, no model tried", async () => {
    const err = await client.messages
      .create({
        model: "chat",
        max_tokens: 2048,
        thinking: { type: "enabled", budget_tokens: 1024 },
        messages: [{ role: "user", content: "think" }],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    // No candidate could ever serve it: the client's 400 (SDKs do not retry it), naming what is missing.
    expect(err.status).toBe(400);
    expect(err.error.type).toBe("error");
    expect(err.error.error.type).toBe("invalid_request_error");
    expect(err.message).toContain("`smart` lacks `reasoning`");
    expect(err.message).toContain("`steady` lacks `reasoning`");
  });

  test("count_tokens answers with the gateway's estimate", async () => {
    const small = await client.messages.countTokens({ model: "chat", messages: [{ role: "user", content: "hello" }] });
    const big = await client.messages.countTokens({
      model: "chat",
      system: "x".repeat(400),
      tools: [tool],
      messages: [{ role: "user", content: "hello" }],
    });
    expect(small.input_tokens).toBe(2); // ceil(5 chars / 4)
    expect(big.input_tokens).toBeGreaterThan(100);
  });
});
