// The openai SDK's responses API against a local fake OpenAI upstream, over real HTTP with the real
// engine in between: what the upstream is sent for each Responses field, how its answer comes
// back, and bad or stateful input answered in OpenAI's error shape naming the field.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";
import { faultGraph, faultSettings, startRig, stopAfterEach } from "./fault-harness.ts";
import { chunkJson, completionBody, finish, json, mockUpstream, sse, type Script } from "./mock-upstream.ts";

const track = stopAfterEach();
const PNG = "data:image/png;base64,iVBORw0KGgo=";
const weather = {
  type: "function" as const,
  name: "get_weather",
  description: "the weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } } },
  strict: true,
};

function rigWith(script: Script) {
  const up = track(mockUpstream(script));
  const caps = Object.values(CAP_BIT).reduce((a, b) => a | b, 0);
  const rig = track(
    startRig(
      faultGraph(
        [{ name: "a", upstream: up, extra: { caps } }],
        faultSettings({ timeout: { connectMs: 2000, firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 } }),
      ),
    ),
  );
  return { up, rig, client: new OpenAI({ apiKey: "unused", baseURL: `${rig.url}/v1`, maxRetries: 0 }) };
}

function toolCallCompletion() {
  const body = completionBody("a-up", "");
  body.choices[0] = {
    index: 0,
    message: {
      role: "assistant",
      content: null as unknown as string,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      ],
    } as never,
    finish_reason: "tool_calls",
  };
  return body;
}

describe("responses → a fake OpenAI upstream", () => {
  test("create: every translated field reaches the upstream as chat, the answer comes back as a Response", async () => {
    const { up, client } = rigWith(() => json(completionBody("a-up", "Bonjour")));
    const res = await client.responses.create({
      model: "r",
      instructions: "be brief",
      input: [
        { role: "developer", content: "answer in French" },
        {
          role: "user",
          content: [
            { type: "input_text", text: "hi" },
            { type: "input_image", image_url: PNG, detail: "low" },
          ],
        },
      ],
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      reasoning: { effort: "low" },
      metadata: { team: "infra" },
      text: { format: { type: "json_object" } },
    });
    expect(res).toMatchObject({
      object: "response",
      status: "completed",
      model: "a",
      output_text: "Bonjour",
      usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8 },
    });
    expect(res.created_at).toBe(1_700_000_000);
    expect(up.calls[0].body).toMatchObject({
      messages: [
        { role: "system", content: "be brief" },
        { role: "system", content: "answer in French" },
        {
          role: "user",
          content: [
            { type: "text", text: "hi" },
            { type: "image_url", image_url: { url: PNG, detail: "low" } },
          ],
        },
      ],
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      reasoning_effort: "low",
      metadata: { team: "infra" },
      response_format: { type: "json_object" },
    });
  });

  test("a function call round trip: tool_calls become function_call items, outputs go back as tool messages", async () => {
    const { up, client } = rigWith((n) =>
      json(n === 0 ? toolCallCompletion() : completionBody("a-up", "18°C in Paris")),
    );
    const first = await client.responses.create({
      model: "r",
      input: "weather in Paris?",
      tools: [weather],
      tool_choice: { type: "function", name: "get_weather" },
      parallel_tool_calls: false,
    });
    expect(first.output).toEqual([
      expect.objectContaining({
        type: "function_call",
        call_id: "call_1",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
        status: "completed",
      }),
    ]);
    expect(up.calls[0].body).toMatchObject({
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "the weather in a city",
            parameters: weather.parameters,
            strict: true,
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
    });
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const second = await client.responses.create({
      model: "r",
      tools: [weather],
      input: [
        { role: "user", content: "weather in Paris?" },
        call,
        { type: "function_call_output", call_id: "call_1", output: "18C" },
      ],
    });
    expect(second.output_text).toBe("18°C in Paris");
    expect(up.calls[1].body.messages).toEqual([
      { role: "user", content: "weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "18C" },
    ]);
  });

  test("json_schema becomes response_format json_schema", async () => {
    const { up, client } = rigWith(() => json(completionBody("a-up", '{"city":"Oslo"}')));
    const schema = {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    };
    const res = await client.responses.create({
      model: "r",
      input: "where?",
      text: { format: { type: "json_schema", name: "place", schema, strict: true } },
    });
    expect(JSON.parse(res.output_text)).toEqual({ city: "Oslo" });
    expect(up.calls[0].body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "place", schema, strict: true },
    });
  });

  test("stream: text and a streamed function call; the SDK assembles the response", async () => {
    const { up, client } = rigWith((_n, _b, call) =>
      sse(
        [
          { data: chunkJson("a-up", { role: "assistant", content: "Let me " }) },
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
        ],
        call,
      ),
    );
    const final = await client.responses
      .stream({ model: "r", input: "weather in Oslo?", tools: [weather] })
      .finalResponse();
    expect(final.output_text).toBe("Let me check.");
    expect(final.output[1]).toMatchObject({
      type: "function_call",
      call_id: "call_9",
      name: "get_weather",
      arguments: '{"city":"Oslo"}',
    });
    expect(final.usage).toMatchObject({ input_tokens: 9, output_tokens: 4 });
    expect(up.calls[0].body.stream_options).toEqual({ include_usage: true });
  });

  test("a max_tokens cut in a stream ends with response.incomplete", async () => {
    const { client } = rigWith((_n, _b, call) =>
      sse(
        [
          { data: chunkJson("a-up", { role: "assistant", content: "cut sh" }) },
          { data: chunkJson("a-up", {}, "length") },
          ...finish("a-up").slice(1),
          { end: "done" },
        ],
        call,
      ),
    );
    const events: string[] = [];
    const stream = client.responses.stream({ model: "r", input: "go", max_output_tokens: 2 });
    stream.on("event", (e) => events.push(e.type));
    const final = await stream.finalResponse();
    expect(events.at(-1)).toBe("response.incomplete");
    expect(final.status).toBe("incomplete");
    expect(final.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });
});

describe("/v1/responses bad and stateful input", () => {
  const up = () => track(mockUpstream(() => new Response("unused", { status: 500 })));
  const post = (url: string, body: unknown) =>
    fetch(`${url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const expectError = async (res: Response, status: number, param: string | null, mentions: string) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { type: string; message: string; param: string | null } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.param).toBe(param);
    expect(body.error.message).toContain(mentions);
    expect(body.error.message).not.toContain("    at ");
  };

  test("bad fields are 400s in OpenAI's shape naming the field; nothing reaches the upstream", async () => {
    const u = up();
    const { rig } = rigWith(() => new Response("unused", { status: 500 }));
    const ok = { model: "r", input: "hi" };
    await expectError(await post(rig.url, { model: "r" }), 400, "input", "`input` is required");
    await expectError(
      await post(rig.url, { ...ok, tools: [{ type: "function", name: "f" }, { type: "web_search_preview" }] }),
      400,
      "tools[1].type",
      "`tools[1].type`",
    );
    await expectError(
      await post(rig.url, { ...ok, input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] }),
      400,
      "input[0].content[0].type",
      "`input[0].content[0].type`",
    );
    await expectError(
      await post(rig.url, { ...ok, input: [{ type: "function_call", name: "f", arguments: "{}" }] }),
      400,
      "input[0].call_id",
      "`input[0].call_id` is required",
    );
    await expectError(
      await post(rig.url, { ...ok, text: { format: { type: "json_schema", schema: {} } } }),
      400,
      "text.format.name",
      "`text.format.name` is required",
    );
    await expectError(
      await post(rig.url, { ...ok, max_output_tokens: 0 }),
      400,
      "max_output_tokens",
      "`max_output_tokens`",
    );
    await expectError(await post(rig.url, { ...ok, temperature: 3 }), 400, "temperature", "`temperature`");
    await expectError(await post(rig.url, { ...ok, input: [] }), 400, "input", "`input` must not be empty");
    await expectError(await post(rig.url, "{nope"), 400, null, "not valid json");
    await expectError(await post(rig.url, { ...ok, model: "nope" }), 404, "model", "`r`");
    expect(u.calls).toHaveLength(0);
  });

  test("previous_response_id, store: true and item references get a 400 saying the gateway is stateless", async () => {
    const { rig, up: upstream, client } = rigWith(() => json(completionBody("a-up", "x")));
    await expectError(
      await post(rig.url, { model: "r", input: "hi", previous_response_id: "resp_1" }),
      400,
      "previous_response_id",
      "stateless",
    );
    await expectError(
      await post(rig.url, { model: "r", input: "hi", store: true }),
      400,
      "store",
      "send the whole conversation in `input`",
    );
    await expectError(
      await post(rig.url, {
        model: "r",
        input: [
          { role: "user", content: "hi" },
          { type: "item_reference", id: "msg_1" },
        ],
      }),
      400,
      "input[1]",
      "store: false",
    );
    await expectError(
      await post(rig.url, { model: "r", input: "hi", background: true }),
      400,
      "background",
      "stateless",
    );
    await expectError(
      await post(rig.url, { model: "r", input: "hi", conversation: "conv_1" }),
      400,
      "conversation",
      "stateless",
    );
    const sdkErr = await client.responses
      .create({ model: "r", input: "hi", previous_response_id: "resp_1" })
      .catch((e) => e);
    expect(sdkErr).toBeInstanceOf(OpenAI.BadRequestError);
    expect(upstream.calls).toHaveLength(0);
    expect((await client.responses.create({ model: "r", input: "hi", store: false })).output_text).toBe("x");
  });

  test("GET /v1/responses/{id} is a 404 explaining nothing is stored", async () => {
    const { rig, client } = rigWith(() => json(completionBody("a-up", "x")));
    const err = await client.responses.retrieve("resp_abc").catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toContain("`resp_abc`");
    expect(err.message).toContain("stateless");
    await expectError(await fetch(`${rig.url}/v1/responses/resp_abc/input_items`), 404, "response_id", "stateless");
  });

  test("a wrong client key is a 401 in OpenAI's shape", async () => {
    const u = up();
    const graph = faultGraph([{ name: "a", upstream: u }], faultSettings());
    graph.gateway.clientKeyEnvs = ["ADMIN"]; // the rig's secrets hold ADMIN=adm
    const r = track(startRig(graph));
    const err = await new OpenAI({ apiKey: "wrong", baseURL: `${r.url}/v1`, maxRetries: 0 }).responses
      .create({ model: "r", input: "x" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(JSON.stringify(err.error)).not.toContain("adm");
  });
});
