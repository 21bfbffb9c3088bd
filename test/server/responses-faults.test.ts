// The fault suite's stream cases through /v1/responses: whatever breaks upstream, the client sees
// either one coherent Responses stream (one response.created … one response.completed, sequence
// numbers in order, item ids and output indexes consistent) or a stream that ends with
// response.failed + error and never response.completed.
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { faultGraph, faultSettings, lastLog, startRig, stopAfterEach, type Rig } from "./fault-harness.ts";
import { chunkJson, finish, mockUpstream, sse, words, type MockUpstream } from "./mock-upstream.ts";
import { assertWellFormed, names, responsesEvents, textOf, type ResponsesEvent } from "./responses-helpers.ts";

const track = stopAfterEach();
/**
 * The rig's settings with a first-token budget no cold start misses: on a loaded machine the first
 * request of a process can take over the harness's 100 ms, which would turn a mid-stream cut into
 * a fresh failover. These tests are about breaks after the first token.
 */
const settings = (over: Parameters<typeof faultSettings>[0] = {}) =>
  faultSettings({ ...over, timeout: { connectMs: 2000, firstTokenMs: 2000, ...over.timeout } });
function rig(a: MockUpstream, b: MockUpstream, s = settings()): Rig {
  return track(
    startRig(
      faultGraph(
        [
          { name: "a", upstream: a },
          { name: "b", upstream: b },
        ],
        s,
      ),
    ),
  );
}

const ask = { model: "r", stream: true, input: "hello there" };

async function streamEvents(r: Rig): Promise<ResponsesEvent[]> {
  const res = await fetch(`${r.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ask),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/event-stream");
  const events = responsesEvents(await res.text());
  assertWellFormed(events);
  return events;
}

const TEXT_OPEN = [
  "response.created",
  "response.in_progress",
  "response.output_item.added",
  "response.content_part.added",
];
const TEXT_CLOSE = ["response.output_text.done", "response.content_part.done", "response.output_item.done"];
const deltas = (n: number): string[] => Array<string>(n).fill("response.output_text.delta");
const sdk = (r: Rig) => new OpenAI({ apiKey: "unused", baseURL: `${r.url}/v1`, maxRetries: 0 });
const healthyB = () =>
  track(
    mockUpstream((_n, _b, call) => sse([...words("b-up", ["from", " b"]), ...finish("b-up"), { end: "done" }], call)),
  );

describe("/v1/responses stream faults", () => {
  test("a cut mid-answer continues on the fallback as one coherent stream", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["Hello", " wor"]), { end: "close" }], call)));
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", ["ld", "!"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const r = rig(a, b);
    const events = await streamEvents(r);
    expect(textOf(events)).toBe("Hello world!");
    expect(names(events)).toEqual([...TEXT_OPEN, ...deltas(4), ...TEXT_CLOSE, "response.completed"]);
    const ids = new Set(events.filter((e) => e.data.item_id !== undefined).map((e) => e.data.item_id));
    expect(ids.size).toBe(1);
    const done = events.at(-1)!.data.response;
    expect(done.status).toBe("completed");
    expect(done.output).toEqual([
      {
        id: [...ids][0],
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hello world!", annotations: [], logprobs: [] }],
      },
    ]);
    expect(
      b.calls[0].body.messages.some(
        (m: { role: string; content: string }) => m.role === "assistant" && m.content === "Hello wor",
      ),
    ).toBe(true);
    expect(lastLog(r).continuations).toBe(1);
    expect(lastLog(r).path).toBe("/v1/responses");
  });

  test("the SDK reads a stalled-then-continued stream as one response", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["one", " two"]), { end: "hang" }], call)));
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", [" three"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const r = rig(a, b, settings({ timeout: { idleMs: 60 } }));
    const final = await sdk(r).responses.stream({ model: "r", input: "count" }).finalResponse();
    expect(final.output_text).toBe("one two three");
    expect(final.status).toBe("completed");
    expect(final.output).toHaveLength(1);
  });

  test("a cut with on_break fail ends with response.failed and error, never response.completed", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["Hello", " wor"]), { end: "close" }], call)));
    const r = rig(a, healthyB(), settings({ stream: { onBreak: "fail" } }));
    const events = await streamEvents(r);
    expect(textOf(events)).toBe("Hello wor");
    expect(names(events)).toEqual([...TEXT_OPEN, ...deltas(2), "response.failed", "error"]);
    const failed = events.at(-2)!.data.response;
    expect(failed.error).toMatchObject({ code: "server_error", message: expect.stringMatching(/broke/) });
    expect(failed.output).toEqual([
      {
        id: events[2].data.item.id,
        type: "message",
        status: "incomplete",
        role: "assistant",
        content: [{ type: "output_text", text: "Hello wor", annotations: [], logprobs: [] }],
      },
    ]);
    expect(events.at(-1)!.data).toMatchObject({
      type: "error",
      message: expect.stringMatching(/broke/),
      error: { type: "server_error" },
    });
    const err = await sdk(r)
      .responses.stream({ model: "r", input: "hi" })
      .finalResponse()
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
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
    expect(names(events).at(-1)).toBe("response.completed");
  });

  test("a finish followed by a cut before [DONE] is a complete answer, with its usage", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse([...words("a-up", ["all", " here"]), ...finish("a-up"), { end: "close" }], call),
      ),
    );
    const events = await streamEvents(rig(a, healthyB()));
    expect(textOf(events)).toBe("all here");
    expect(events.at(-1)!.data.response.usage).toEqual({
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 8,
    });
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

  test("a stall past the idle timeout with on_break fail ends with response.failed", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["slow"]), { end: "hang" }], call)));
    const events = await streamEvents(
      rig(a, healthyB(), settings({ timeout: { idleMs: 60 }, stream: { onBreak: "fail" } })),
    );
    expect(names(events).slice(-2)).toEqual(["response.failed", "error"]);
  });

  test("text then a whole function call: items in order, ids and indexes consistent", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            { data: chunkJson("a-up", { role: "assistant", content: "Let me check." }) },
            {
              data: chunkJson("a-up", {
                tool_calls: [
                  { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"x":1}' } },
                ],
              }),
            },
            ...finish("a-up"),
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const events = await streamEvents(rig(a, healthyB()));
    expect(names(events)).toEqual([
      ...TEXT_OPEN,
      ...deltas(1),
      ...TEXT_CLOSE,
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const output = events.at(-1)!.data.response.output;
    expect(output[1]).toMatchObject({
      type: "function_call",
      call_id: "call_1",
      name: "f",
      arguments: '{"x":1}',
      status: "completed",
    });
    expect(output[1].id).not.toBe(output[0].id);
  });

  test("a break after a whole function call was sent is not continued: response.failed", async () => {
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
    expect(names(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.failed",
      "error",
    ]);
    expect(events.at(-2)!.data.response.output[0]).toMatchObject({
      type: "function_call",
      status: "incomplete",
      arguments: '{"x":1}',
    });
    expect(b.calls).toHaveLength(0);
  });
});
