// The conformance pack's stream-end faults over real HTTP, through the real OpenAI adapter: what
// the simulated upstream plays for `cut_after_finish` and `error_event` must be what a real one
// does to the gateway. A finish then a reset before `[DONE]` is a complete answer; an in-band
// error event after content is a break, continued on the next model.
import { describe, expect, test } from "bun:test";
import { faultGraph, faultSettings, lastLog, sseData, startRig, stopAfterEach, streamedText } from "./fault-harness.ts";
import { chunkJson, closingUpstream, finish, frames, mockUpstream, sse, words } from "./mock-upstream.ts";

const track = stopAfterEach();
const healthyB = () =>
  track(
    mockUpstream((_n, _body, call) =>
      sse([...words("b-up", [" and", " more"]), ...finish("b-up"), { end: "done" }], call),
    ),
  );

describe("conformance parity over real HTTP", () => {
  test("finish_reason, then the connection is reset before [DONE]: complete, no continuation", async () => {
    const head = frames(chunkJson("a-up", { role: "assistant", content: "" }), chunkJson("a-up", { content: "Hello" }));
    const tail = frames(chunkJson("a-up", { content: " world" }), chunkJson("a-up", {}, "stop"));
    const a = track(closingUpstream(head, tail, Promise.resolve()));
    const b = healthyB();
    const r = track(
      startRig(
        faultGraph(
          [
            { name: "a", upstream: a },
            { name: "b", upstream: b },
          ],
          faultSettings(),
        ),
      ),
    );
    const events = sseData(await (await r.chat({ stream: true })).text());
    expect(streamedText(events)).toBe("Hello world");
    expect(events.at(-1)).toBe("[DONE]");
    expect(lastLog(r)).toMatchObject({ status: 200, servedModel: "a", continuations: 0 });
    expect(b.calls).toHaveLength(0);
  });

  test("an in-band error event after content is continued on the next model, not passed off as the end", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            ...words("a-up", ["Hello"]),
            { data: { error: { message: "the server had an error", type: "server_error" } } },
            { end: "close" },
          ],
          call,
        ),
      ),
    );
    const b = healthyB();
    const r = track(
      startRig(
        faultGraph(
          [
            { name: "a", upstream: a },
            { name: "b", upstream: b },
          ],
          faultSettings(),
        ),
      ),
    );
    const events = sseData(await (await r.chat({ stream: true })).text());
    expect(streamedText(events)).toBe("Hello and more");
    expect(events.at(-1)).toBe("[DONE]");
    expect(lastLog(r)).toMatchObject({ status: 200, continuations: 1 });
  });
});
