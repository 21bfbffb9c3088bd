// The official openai SDK, with no special options, as a client of the gateway over real HTTP:
// non-stream, stream, models, and an error surfacing as the SDK's typed APIError.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { StreamEvent } from "../../src/runtime/api.ts";
import { compilePolicySource } from "../../src/compile/index.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { createGateway } from "../../src/server/app.ts";
import { chunk, completion, fakeEngines, graph, meta, ports } from "./fixtures.ts";

const engines = fakeEngines((req) => {
  if (req.body.stream) {
    const list: StreamEvent[] = [
      {
        type: "chunk",
        chunk: chunk("", { choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }),
      },
      { type: "chunk", chunk: chunk("Hello") },
      { type: "chunk", chunk: chunk(" world") },
      { type: "chunk", chunk: chunk("", { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) },
      { type: "done" },
    ];
    return {
      kind: "stream",
      events: (async function* () {
        yield* list;
      })(),
      meta: meta(req.route, { servedModel: "a" }),
    };
  }
  return { kind: "completion", body: completion("Hello world"), meta: meta(req.route, { servedModel: "a" }) };
});
const app = createGateway({
  graph: graph({}, { clientKeyEnvs: ["CLIENT"] }),
  ports: ports(undefined, { CLIENT: "sk-client" }),
  adapters: {},
  createEngine: engines.create,
});
let server: ReturnType<typeof Bun.serve>;
let client: OpenAI;

beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => app.fetch(req) });
  client = new OpenAI({ apiKey: "sk-client", baseURL: `http://127.0.0.1:${server.port}/v1` });
});
afterAll(() => server.stop(true));

describe("openai sdk as client", () => {
  test("non-stream completion", async () => {
    const res = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0].message.content).toBe("Hello world");
    expect(res.usage?.total_tokens).toBe(5);
  });

  test("streamed completion", async () => {
    const stream = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    let finish: string | null = null;
    for await (const part of stream) {
      text += part.choices[0]?.delta?.content ?? "";
      finish = part.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe("Hello world");
    expect(finish).toBe("stop");
  });

  test("models list", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(["fast"]);
  });

  test("errors arrive as typed API errors", async () => {
    const err = await client.chat.completions
      .create({ model: "nope", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toContain("`fast`");
    const bad = new OpenAI({ apiKey: "wrong", baseURL: client.baseURL, maxRetries: 0 });
    const auth = await bad.chat.completions
      .create({ model: "fast", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(auth.code).toBe("invalid_api_key");
  });
});

describe("openai sdk against the real engine and a simulated provider", () => {
  const policy = `
provider sim { kind simulated  ttft 1ms  per_token 0ms  output_tokens 6 }
model m { provider sim  upstream "sim-m"  can [chat, stream]  context 8k }
route chat { otherwise -> [m] }
`;
  const compiled = compilePolicySource(policy, "sdk.route");
  const real = createGateway({ graph: compiled.graph!, ports: ports(new SystemClock()), adapters: defaultAdapters() });
  let realServer: ReturnType<typeof Bun.serve>;
  let sdk: OpenAI;
  beforeAll(() => {
    realServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => real.fetch(req) });
    sdk = new OpenAI({ apiKey: "unused", baseURL: `http://127.0.0.1:${realServer.port}/v1` });
  });
  afterAll(() => realServer.stop(true));

  test("non-stream and stream both complete with usage", async () => {
    const { data: res, response } = await sdk.chat.completions
      .create({ model: "chat", messages: [{ role: "user", content: "hello" }] })
      .withResponse();
    expect(res.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBe(6);
    expect(response.headers.get("x-switchyard-model")).toBe("m");
    expect(response.headers.get("x-switchyard-route")).toBe("chat");

    const stream = await sdk.chat.completions.create({
      model: "chat",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    for await (const part of stream) {
      text += part.choices[0]?.delta?.content ?? "";
      usage = part.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBe(6);
  });
});
