// Fault suite, tool calls in a stream: with `stream { tool_calls hold }` (the default) a tool call
// reaches the client whole, once complete, so a break inside one restarts cleanly on the next
// candidate; with `pass` the deltas go out as they come.
import { describe, expect, test } from "bun:test";
import { stopAfterEach, faultGraph, faultSettings, lastLog, sseData, startRig, type Rig } from "./fault-harness.ts";
import { chunkJson, finish, mockUpstream, sse, type MockUpstream, type Step } from "./mock-upstream.ts";

const track = stopAfterEach();
const call = (
  model: string,
  index: number,
  fn: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Step => ({
  data: chunkJson(model, { tool_calls: [{ index, ...extra, function: fn }] }),
});
const role = (model: string): Step => ({ data: chunkJson(model, { role: "assistant", content: null }) });
/** A weather call streamed in fragments: id and name first, then arguments that parse only at the end. */
const weather = (model: string, index: number, city: string): Step[] => [
  call(model, index, { name: "get_weather", arguments: "" }, { id: `call_${model}_${index}`, type: "function" }),
  call(model, index, { arguments: '{"city": "' }),
  call(model, index, { arguments: city }),
  call(model, index, { arguments: '"}' }),
];
const toolFinish = (model: string): Step[] => [{ data: chunkJson(model, {}, "tool_calls") }, ...finish(model).slice(1)];

function rig(a: MockUpstream, b: MockUpstream, toolCalls: "hold" | "pass" = "hold"): Rig {
  return track(
    startRig(
      faultGraph(
        [
          { name: "a", upstream: a },
          { name: "b", upstream: b },
        ],
        faultSettings({ stream: { toolCalls } }),
      ),
    ),
  );
}

/** The tool-call deltas the client got, in order. */
function toolDeltas(text: string): Record<string, any>[] {
  return sseData(text).flatMap((f) => (f === "[DONE]" ? [] : (f.choices?.[0]?.delta?.tool_calls ?? [])));
}

describe("fault suite: tool calls in a stream", () => {
  test("a break inside a tool call's arguments restarts cleanly on the next model", async () => {
    const a = track(
      mockUpstream((_n, _b, c) => sse([role("a-up"), ...weather("a-up", 0, "Par").slice(0, 3), { end: "close" }], c)),
    );
    const b = track(
      mockUpstream((_n, _b, c) =>
        sse([role("b-up"), ...weather("b-up", 0, "Paris"), ...toolFinish("b-up"), { end: "done" }], c),
      ),
    );
    const r = rig(a, b);
    const text = await (
      await r.chat({ stream: true, tools: [{ type: "function", function: { name: "get_weather" } }] })
    ).text();
    const frames = sseData(text);
    expect(frames.at(-1)).toBe("[DONE]");
    expect(text).not.toContain('"error"');
    expect(toolDeltas(text)).toEqual([
      {
        index: 0,
        id: "call_b-up_0",
        type: "function",
        function: { name: "get_weather", arguments: '{"city": "Paris"}' },
      },
    ]);
    expect(frames.filter((f) => f !== "[DONE]" && f.choices?.[0]?.delta?.role)).toHaveLength(1);
    // a fresh request, not a continuation: nothing of a's call reached the client
    expect((b.calls[0].body.messages as unknown[]).length).toBe(1);
    expect(lastLog(r)).toMatchObject({ servedModel: "b", continuations: 0, failovers: 1 });
  });

  test("held calls go out whole, each once complete, in order; the finish follows them", async () => {
    const a = track(
      mockUpstream((_n, _b, c) =>
        sse(
          [
            role("a-up"),
            ...weather("a-up", 0, "Oslo"),
            ...weather("a-up", 1, "Rome"),
            ...toolFinish("a-up"),
            { end: "done" },
          ],
          c,
        ),
      ),
    );
    const text = await (await rig(a, track(mockUpstream(() => new Response("unused")))).chat({ stream: true })).text();
    expect(toolDeltas(text).map((d) => [d.index, d.function.arguments])).toEqual([
      [0, '{"city": "Oslo"}'],
      [1, '{"city": "Rome"}'],
    ]);
    const finishAt = sseData(text).findIndex((f) => f !== "[DONE]" && f.choices?.[0]?.finish_reason === "tool_calls");
    const lastCallAt = sseData(text).findLastIndex((f) => f !== "[DONE]" && f.choices?.[0]?.delta?.tool_calls);
    expect(lastCallAt).toBeLessThanOrEqual(finishAt);
  });

  test("with `tool_calls pass` the deltas go out as they come, and a break inside a call is an error", async () => {
    const a = track(
      mockUpstream((_n, _b, c) => sse([role("a-up"), ...weather("a-up", 0, "Par").slice(0, 3), { end: "close" }], c)),
    );
    const b = track(
      mockUpstream((_n, _b, c) =>
        sse([role("b-up"), ...weather("b-up", 0, "Paris"), ...toolFinish("b-up"), { end: "done" }], c),
      ),
    );
    const text = await (await rig(a, b, "pass").chat({ stream: true })).text();
    expect(toolDeltas(text).map((d) => d.function.arguments)).toEqual(["", '{"city": "', "Par"]);
    expect(text).not.toContain("[DONE]");
    expect((sseData(text).at(-1) as Record<string, any>).error.code).toBe("stream_broken");
    expect(b.calls).toHaveLength(0);
  });
});
