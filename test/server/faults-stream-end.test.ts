// Fault suite, how a stream ends: an answer whose finish arrived is complete whatever the connection
// does afterwards (a close without the chunked terminator, or a reset before `[DONE]`, is not a
// cut), nothing the upstream sends after its finish reaches the client, and an in-band error event
// after content is a break.
import { describe, expect, test } from "bun:test";
import {
  stopAfterEach,
  faultGraph,
  faultSettings,
  lastLog,
  sseData,
  startRig,
  streamedText,
  type Rig,
} from "./fault-harness.ts";
import {
  chunkJson,
  closingUpstream,
  finish,
  frames,
  mockUpstream,
  sse,
  words,
  type MockUpstream,
} from "./mock-upstream.ts";

const track = stopAfterEach();
const healthyB = () =>
  track(
    mockUpstream((_n, _body, call) =>
      sse([...words("b-up", ["from", " b"]), ...finish("b-up"), { end: "done" }], call),
    ),
  );
const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };

function rig(a: MockUpstream, b: MockUpstream, onBreak: "continue" | "fail"): Rig {
  return track(
    startRig(
      faultGraph(
        [
          { name: "a", upstream: a },
          { name: "b", upstream: b },
        ],
        faultSettings({ stream: { onBreak } }),
      ),
    ),
  );
}

/** Reads the SSE body; once `first` has reached the client, opens the upstream's gate. */
async function readOpening(res: Response, first: string, open: () => void): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (let reads = 0; reads < 200; reads++) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.includes(first)) open();
  }
  return text;
}

describe("fault suite: the end of a stream", () => {
  for (const onBreak of ["continue", "fail"] as const) {
    test(`finish and [DONE], then a close without the chunked terminator, is complete (on_break ${onBreak})`, async () => {
      const runs = 10;
      const b = healthyB();
      for (let i = 0; i < runs; i++) {
        let open!: () => void;
        const gate = new Promise<void>((r) => (open = r));
        const head = frames(
          chunkJson("a-up", { role: "assistant", content: "" }),
          chunkJson("a-up", { content: "Hello" }),
        );
        const tail = frames(
          chunkJson("a-up", { content: " world" }),
          chunkJson("a-up", {}, "stop"),
          { ...chunkJson("a-up", {}), choices: [], usage },
          "[DONE]",
        );
        const a = track(closingUpstream(head, tail, gate));
        const r = rig(a, b, onBreak);
        const text = await readOpening(await r.chat({ stream: true }), "Hello", open);
        const events = sseData(text);
        expect(streamedText(events)).toBe("Hello world");
        expect(events.at(-1)).toBe("[DONE]");
        expect(text).not.toContain("error");
        expect(lastLog(r)).toMatchObject({ status: 200, servedModel: "a", continuations: 0 });
      }
      expect(b.calls).toHaveLength(0);
    });
  }

  test("content the upstream sends after its finish_reason is not passed on", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            ...words("a-up", ["done"]),
            { data: chunkJson("a-up", {}, "stop") },
            { data: chunkJson("a-up", { content: " EXTRA" }) },
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const r = rig(a, healthyB(), "continue");
    const text = await (await r.chat({ stream: true })).text();
    expect(text).not.toContain("EXTRA");
    expect(streamedText(sseData(text))).toBe("done");
    expect(sseData(text).at(-1)).toBe("[DONE]");
  });
});

// What the conformance pack's simulated `cut_after_finish` and `error_event` faults stand for: a
// real upstream doing the same must get the same treatment.
describe("fault suite: the stream ends the conformance pack simulates", () => {
  test("finish_reason, then the connection is reset before [DONE]: complete, no continuation", async () => {
    const head = frames(chunkJson("a-up", { role: "assistant", content: "" }), chunkJson("a-up", { content: "Hello" }));
    const tail = frames(chunkJson("a-up", { content: " world" }), chunkJson("a-up", {}, "stop"));
    const b = healthyB();
    const r = rig(track(closingUpstream(head, tail, Promise.resolve())), b, "continue");
    const events = sseData(await (await r.chat({ stream: true })).text());
    expect(streamedText(events)).toBe("Hello world");
    expect(events.at(-1)).toBe("[DONE]");
    expect(lastLog(r)).toMatchObject({ status: 200, servedModel: "a", continuations: 0 });
    expect(b.calls).toHaveLength(0);
  });

  test("an in-band error event after content is continued on the next model, not passed off as the end", async () => {
    const error = { data: { error: { message: "the server had an error", type: "server_error" } } };
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["Hello"]), error, { end: "close" }], call)));
    const r = rig(a, healthyB(), "continue");
    const events = sseData(await (await r.chat({ stream: true })).text());
    expect(streamedText(events)).toBe("Hellofrom b");
    expect(events.at(-1)).toBe("[DONE]");
    expect(lastLog(r)).toMatchObject({ status: 200, continuations: 1 });
  });
});

describe("fault suite: who served a stream", () => {
  test("after a continuation the final comment and the usage chunk name the model that finished; the log has every attempt", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["Hello", " wor"]), { end: "close" }], call)));
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", ["ld", "!"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const r = rig(a, b, "continue");
    const res = await r.chat({ stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get("x-switchyard-model")).toBe("a"); // sent before the break
    const text = await res.text();
    expect(streamedText(sseData(text))).toBe("Hello world!");
    expect(text).toEndWith("\n\n: switchyard attempts=a:cut,b:200; model=b\n\ndata: [DONE]\n\n");
    const usageChunk = sseData(text).find((f) => f !== "[DONE]" && f.usage) as Record<string, any>;
    expect(usageChunk.model).toBe("b");
    const line = await r.requestLogged();
    expect(line.servedModel).toBe("b");
    expect(line.attempts.map((x: any) => `${x.model}:${x.cls}`)).toEqual(["a:cut", "b:ok"]);
  });

  test("a stream the client cancels logs the serving attempt as cancelled", async () => {
    const ticks = Array.from({ length: 200 }, () => [
      { pause: 10 },
      { data: chunkJson("a-up", { content: "." }) },
    ]).flat();
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["tick"]), ...ticks, { end: "done" }], call)));
    const r = rig(a, healthyB(), "continue");
    const res = await r.chat({ stream: true });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    const line = await r.requestLogged();
    expect(line).toMatchObject({ servedModel: "a", error: "client_cancelled" });
    expect(line.attempts).toEqual([expect.objectContaining({ model: "a", status: 200, cls: "cancelled" })]);
  });
});
