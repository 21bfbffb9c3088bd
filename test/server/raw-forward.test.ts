// Chunks forwarded as the upstream's own text (model name spliced in) must read exactly as the
// re-serialised ones did: the policy's model name, one id, extras kept, a delta on every choice,
// and the same text, whether a chunk was spliced, re-serialised (nested model key) or filled in.
import { afterEach, describe, expect, test } from "bun:test";
import { faultGraph, faultSettings, sseData, startRig, streamedText } from "./fault-harness.ts";
import { chunkJson, mockUpstream, sse } from "./mock-upstream.ts";

const cleanup: { stop(): void }[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c.stop();
});
const track = <T extends { stop(): void }>(x: T): T => {
  cleanup.push(x);
  return x;
};

describe("chunks forwarded as the upstream sent them", () => {
  test("read as before: model renamed, extras kept, missing delta filled, one id", async () => {
    const fp = { system_fingerprint: "fp_1", note: { model: "inner" } };
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            { data: chunkJson("a-up", { role: "assistant", content: "" }) },
            { data: chunkJson("a-up", { content: "Hel" }, null, { system_fingerprint: "fp_1" }) },
            { data: chunkJson("a-up", { content: 'lo "model":"a-up"' }) },
            { data: chunkJson("a-up", { content: "!" }, null, fp) }, // a nested model key: not spliced
            {
              raw: `data: ${JSON.stringify({ id: "chatcmpl-up", object: "chat.completion.chunk", created: 1_700_000_000, model: "a-up", choices: [{ index: 0, finish_reason: "stop" }] })}\n\n`,
            },
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const b = track(mockUpstream(() => new Response("unused", { status: 500 })));
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
    const frames = sseData(await (await r.chat({ stream: true })).text());
    const chunks = frames.filter((f) => f !== "[DONE]") as Record<string, any>[];
    expect(frames.at(-1)).toBe("[DONE]");
    expect(streamedText(frames)).toBe('Hello "model":"a-up"!');
    for (const c of chunks) {
      expect(c.model).toBe("a");
      expect(c.id).toBe("chatcmpl-up");
      expect(c.object).toBe("chat.completion.chunk");
      expect(c.choices[0].delta).toBeDefined();
    }
    expect(chunks[1].system_fingerprint).toBe("fp_1");
    expect(chunks[3].note).toEqual({ model: "inner" });
    expect(chunks.at(-1)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop" });
  });
});
