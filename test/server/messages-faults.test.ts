// The fault suite's stream cases through /v1/messages: whatever breaks upstream, the client sees
// either one coherent Anthropic stream (one message_start … one message_stop, block indexes in
// order) or a stream that ends with `event: error` and never message_stop. Plus bad input in
// Anthropic's error shape, naming the field, with the right 4xx.
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { faultGraph, faultSettings, lastLog, startRig, stopAfterEach, type Rig } from "./fault-harness.ts";
import { anthropicEvents, assertWellFormed, names, sdk, type SseEvent } from "./messages-helpers.ts";
import {
  chunkJson,
  completionBody,
  finish,
  json,
  mockUpstream,
  sse,
  words,
  type MockUpstream,
} from "./mock-upstream.ts";

const track = stopAfterEach();
function rig(a: MockUpstream, b: MockUpstream, settings = faultSettings()): Rig {
  return track(
    startRig(
      faultGraph(
        [
          { name: "a", upstream: a },
          { name: "b", upstream: b },
        ],
        settings,
      ),
    ),
  );
}

function post(r: Rig, body: unknown, headers: Record<string, string> = {}, path = "/v1/messages"): Promise<Response> {
  return fetch(`${r.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const ask = { model: "r", max_tokens: 64, stream: true, messages: [{ role: "user", content: "hello there" }] };

async function streamEvents(r: Rig): Promise<SseEvent[]> {
  const res = await post(r, ask);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/event-stream");
  const events = anthropicEvents(await res.text());
  assertWellFormed(events);
  return events;
}

const textOf = (events: SseEvent[]): string =>
  events.map((e) => (e.data.delta?.type === "text_delta" ? e.data.delta.text : "")).join("");
const healthyB = () =>
  track(
    mockUpstream((_n, _b, call) => sse([...words("b-up", ["from", " b"]), ...finish("b-up"), { end: "done" }], call)),
  );

describe("/v1/messages stream faults", () => {
  test("a cut mid-answer continues on the fallback as one coherent stream", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["Hello", " wor"]), { end: "close" }], call)));
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", ["ld", "!"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const r = rig(a, b);
    const events = await streamEvents(r);
    expect(textOf(events)).toBe("Hello world!");
    expect(names(events)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.filter((e) => e.data.index !== undefined).every((e) => e.data.index === 0)).toBe(true);
    expect(events.at(-2)!.data.delta).toEqual({ stop_reason: "end_turn", stop_sequence: null });
    expect(
      b.calls[0].body.messages.some(
        (m: { role: string; content: string }) => m.role === "assistant" && m.content === "Hello wor",
      ),
    ).toBe(true);
    expect(lastLog(r).continuations).toBe(1);
  });

  test("the SDK reads a continued stream as one message", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["one", " two"]), { end: "hang" }], call)));
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", [" three"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const r = rig(a, b, faultSettings({ timeout: { idleMs: 60 } }));
    const stream = sdk(r.url).messages.stream({
      model: "r",
      max_tokens: 64,
      messages: [{ role: "user", content: "count" }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: "text", text: "one two three" }] as never);
    expect(final.stop_reason).toBe("end_turn");
  });

  test("a cut with on_break fail ends with event: error and never message_stop", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["Hello", " wor"]), { end: "close" }], call)));
    const r = rig(a, healthyB(), faultSettings({ stream: { onBreak: "fail" } }));
    const events = await streamEvents(r);
    expect(textOf(events)).toBe("Hello wor");
    expect(names(events)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "error",
    ]);
    expect(events.at(-1)!.data).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(events.at(-1)!.data.error.message).toMatch(/broke/);
    const err = await sdk(r.url)
      .messages.stream({ model: "r", max_tokens: 64, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
  });

  test("an in-band error event mid-stream is continued elsewhere, not passed off as the end", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            ...words("a-up", ["Hello"]),
            { data: { error: { message: "overloaded", type: "server_error" } } },
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", [" again"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const events = await streamEvents(rig(a, b));
    expect(textOf(events)).toBe("Hello again");
    expect(names(events).at(-1)).toBe("message_stop");
  });

  test("a finish followed by a cut before [DONE] is a complete answer", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse([...words("a-up", ["all", " here"]), ...finish("a-up"), { end: "close" }], call),
      ),
    );
    const events = await streamEvents(rig(a, healthyB()));
    expect(textOf(events)).toBe("all here");
    expect(events.at(-2)!.data.usage).toEqual({ input_tokens: 5, output_tokens: 3 });
  });

  test("a malformed event is skipped; the stream stays well formed", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            ...words("a-up", ["good"]),
            { raw: "data: {not json\n\n" },
            { data: chunkJson("a-up", { content: " still" }) },
            ...finish("a-up"),
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const events = await streamEvents(rig(a, healthyB()));
    expect(textOf(events)).toBe("good still");
  });

  test("a break inside a tool call's arguments restarts cleanly on the fallback (nothing of the call was sent)", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            { data: chunkJson("a-up", { role: "assistant", content: "" }) },
            {
              data: chunkJson("a-up", {
                tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"x":' } }],
              }),
            },
            { end: "close" },
          ],
          call,
        ),
      ),
    );
    const b = healthyB();
    const events = await streamEvents(rig(a, b));
    expect(names(events).at(-1)).toBe("message_stop");
    expect(events.some((e) => e.data.content_block?.type === "tool_use")).toBe(false);
    expect(textOf(events)).toBe("from b");
    expect(b.calls).toHaveLength(1);
  });

  test("a break after a whole tool_use block was sent is not continued: event: error", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            { data: chunkJson("a-up", { role: "assistant", content: "" }) },
            {
              data: chunkJson("a-up", {
                tool_calls: [
                  { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"x":1}' } },
                ],
              }),
            },
            { end: "close" },
          ],
          call,
        ),
      ),
    );
    const b = healthyB();
    const events = await streamEvents(rig(a, b));
    expect(names(events)).toEqual(["message_start", "ping", "content_block_start", "content_block_delta", "error"]);
    expect(events[2].data.content_block).toEqual({ type: "tool_use", id: "call_1", name: "f", input: {} });
    expect(b.calls).toHaveLength(0);
  });
});

describe("/v1/messages bad input", () => {
  const up = () => track(mockUpstream(() => new Response("unused", { status: 500 })));
  const expectError = async (res: Response, status: number, type: string, mentions: string) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe(type);
    expect(body.error.message).toContain(mentions);
  };

  test("a missing max_tokens, a bad block type, a bad image and bad json name what is wrong", async () => {
    const r = rig(up(), up());
    const { max_tokens: _, stream: __, ...noMax } = ask;
    await expectError(await post(r, noMax), 400, "invalid_request_error", "`max_tokens` is required");
    await expectError(await post(r, { ...noMax, max_tokens: 0 }), 400, "invalid_request_error", "`max_tokens`");
    const fraction = await post(r, { ...noMax, max_tokens: 5.5 });
    expect(((await fraction.json()) as { error: { message: string } }).error.message).toBe(
      "invalid `max_tokens`: invalid integer: received 5.5",
    );
    await expectError(
      await post(r, {
        ...noMax,
        max_tokens: 5,
        messages: [{ role: "user", content: [{ type: "document", source: {} }] }],
      }),
      400,
      "invalid_request_error",
      "`messages[0].content[0].type`",
    );
    const badImage = { type: "image", source: { type: "base64", media_type: "image/bmp", data: "AA" } };
    await expectError(
      await post(r, { ...noMax, max_tokens: 5, messages: [{ role: "user", content: [badImage] }] }),
      400,
      "invalid_request_error",
      "`messages[0].content[0].source.media_type`",
    );
    await expectError(
      await post(r, { ...noMax, max_tokens: 5, tools: [{ type: "web_search_20250305", name: "web_search" }] }),
      400,
      "invalid_request_error",
      "`tools[0]",
    );
    await expectError(await post(r, "{nope"), 400, "invalid_request_error", "not valid json");
    await expectError(await post(r, { ...ask, model: "nope" }), 404, "not_found_error", "`r`");
    expect(r.logs.length).toBeGreaterThan(0);
    expect(up().calls).toHaveLength(0);
  });

  test("hostile shapes and an oversized body are 4xx in Anthropic's shape, never a 500", async () => {
    const r = rig(up(), up());
    const hostile: unknown[] = [
      [],
      { model: "r", max_tokens: 5, messages: "hi" },
      { model: "r", max_tokens: 5, messages: [null] },
      { model: "r", max_tokens: 5, messages: [{ role: "user", content: null }] },
      { model: "r", max_tokens: 5, messages: [{ role: "system", content: "x" }] },
      { model: "r", max_tokens: 5, system: 5, messages: [{ role: "user", content: "x" }] },
      {
        model: "r",
        max_tokens: 5,
        messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: "not an object" }] }],
      },
      { model: "r", max_tokens: 5, thinking: { type: "enabled" }, messages: [{ role: "user", content: "x" }] },
      { model: "r", max_tokens: 5.5, messages: [{ role: "user", content: "x" }] },
    ];
    for (const body of hostile) {
      const res = await post(r, body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
      expect(json.error.message).not.toContain("    at ");
    }
    await expectError(
      await post(r, { ...ask, messages: [{ role: "user", content: "x".repeat(1_100_000) }] }),
      413,
      "request_too_large",
      "larger than the limit",
    );
  });

  test("the SDK gets its typed errors: bad request, not found, authentication", async () => {
    const r = rig(up(), up());
    const client = sdk(r.url);
    const notFound = await client.messages
      .create({ model: "missing", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
    const bad = await client.messages.create({ model: "r", max_tokens: 5, messages: [] }).catch((e) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect(bad.message).toContain("`messages` must not be empty");
  });

  test("the client key is accepted as x-api-key (the SDK's way) or as a bearer token", async () => {
    const b = track(mockUpstream(() => json(completionBody("b-up", "from b"))));
    const graph = faultGraph([{ name: "b", upstream: b }], faultSettings());
    graph.gateway.clientKeyEnvs = ["ADMIN"]; // the rig's secrets hold ADMIN=adm
    const r = track(startRig(graph));
    const ok = await sdk(r.url, "adm").messages.create({
      model: "r",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    expect(ok.content).toEqual([{ type: "text", text: "from b" }] as never);
    const bearer = await post(r, { ...ask, stream: false }, { authorization: "Bearer adm" });
    expect(bearer.status).toBe(200);
    const denied = await sdk(r.url, "wrong")
      .messages.create({ model: "r", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(denied.error).toEqual({
      type: "error",
      error: { type: "authentication_error", message: expect.stringContaining("x-api-key") },
    });
    expect(JSON.stringify(denied.error)).not.toContain("adm");
  });
});
