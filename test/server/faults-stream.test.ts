// Fault suite, streaming: slow first token, cuts, stalls, malformed chunks, a missing [DONE], a
// fallback that rejects the continuation, and a client that disconnects. A broken stream must
// never end like a complete one, and the upstreams must see the continuation they were sent.
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
import { chunkJson, finish, mockUpstream, openaiError, sse, words, type MockUpstream } from "./mock-upstream.ts";

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
const healthyB = () =>
  track(
    mockUpstream((_n, _body, call) =>
      sse([...words("b-up", ["from", " b"]), ...finish("b-up"), { end: "done" }], call),
    ),
  );
const stream = { stream: true };

describe("fault suite: streaming", () => {
  test("a slow first token times out and the next model streams; the slow upstream is released", async () => {
    const a = track(
      mockUpstream((_n, _b, call) => sse([{ pause: 400 }, ...words("a-up", ["late"]), { end: "done" }], call)),
    );
    const b = healthyB();
    const r = rig(a, b, faultSettings({ timeout: { firstTokenMs: 60 } }));
    const started = performance.now();
    const res = await r.chat(stream);
    const frames = sseData(await res.text());
    expect(performance.now() - started).toBeLessThan(400);
    expect(streamedText(frames)).toBe("from b");
    expect(frames.at(-1)).toBe("[DONE]");
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:timeout,b:200");
    expect(Number(res.headers.get("x-switchyard-overhead-ms"))).toBeLessThan(40); // the 60 ms wait was upstream time
    expect(a.calls[0].aborted).toBe(true);
  });

  test("a stream cut after some tokens continues on the fallback without repeating text", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["Hello", " wor"]), { end: "close" }], call)));
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", ["ld", "!"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const r = rig(a, b);
    const res = await r.chat(stream);
    const frames = sseData(await res.text());
    expect(streamedText(frames)).toBe("Hello world!");
    expect(frames.at(-1)).toBe("[DONE]");
    const roles = frames.filter((f) => f !== "[DONE]" && f.choices?.[0]?.delta?.role);
    expect(roles).toHaveLength(1);
    // The fallback was asked to continue from exactly what the client already has.
    const sent = b.calls[0].body.messages as { role: string; content: string }[];
    expect(sent.some((m) => m.role === "assistant" && m.content === "Hello wor")).toBe(true);
    expect(lastLog(r).continuations).toBe(1);
  });

  test("a stalled stream is abandoned after the idle timeout and continued elsewhere", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["one", " two"]), { end: "hang" }], call)));
    const b = track(
      mockUpstream((_n, _b, call) => sse([...words("b-up", [" three"]), ...finish("b-up"), { end: "done" }], call)),
    );
    const r = rig(a, b, faultSettings({ timeout: { idleMs: 60 } }));
    const started = performance.now();
    const frames = sseData(await (await r.chat(stream)).text());
    expect(performance.now() - started).toBeLessThan(1500);
    expect(streamedText(frames)).toBe("one two three");
    expect(frames.at(-1)).toBe("[DONE]");
    expect(a.calls[0].aborted).toBe(true);
  });

  test("a malformed chunk is never forwarded", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            ...words("a-up", ["good"]),
            { raw: "data: {not json at all\n\n" },
            { data: chunkJson("a-up", { content: " still good" }) },
            ...finish("a-up"),
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const b = healthyB();
    const r = rig(a, b);
    const text = await (await r.chat(stream)).text();
    expect(text).not.toContain("not json");
    const frames = sseData(text);
    expect(streamedText(frames)).toBe("good still good");
    expect(frames.at(-1)).toBe("[DONE]");
  });

  test("a finish without [DONE] on a connection left open is finalised promptly", async () => {
    const a = track(
      mockUpstream((_n, _b, call) => sse([...words("a-up", ["done soon"]), ...finish("a-up"), { end: "hang" }], call)),
    );
    const b = healthyB();
    const r = rig(a, b, faultSettings({ timeout: { idleMs: 80 } }));
    const started = performance.now();
    const frames = sseData(await (await r.chat(stream)).text());
    expect(performance.now() - started).toBeLessThan(1000);
    expect(streamedText(frames)).toBe("done soon");
    expect(frames.at(-1)).toBe("[DONE]");
    expect(b.calls).toHaveLength(0);
  });

  test("a fallback that rejects the continuation: the client gets the original break, no [DONE]", async () => {
    const a = track(mockUpstream((_n, _b, call) => sse([...words("a-up", ["partial"]), { end: "close" }], call)));
    const b = track(
      mockUpstream(() => openaiError(400, "assistant prefill is not supported", "invalid_request_error")),
    );
    const r = rig(a, b);
    const frames = sseData(await (await r.chat(stream)).text());
    expect(streamedText(frames)).toBe("partial");
    expect(frames).not.toContain("[DONE]");
    const last = frames.at(-1) as Record<string, any>;
    expect(last.error.message).toMatch(/broke|cut|ended/);
    expect(b.calls).toHaveLength(1);
  });

  test("usage is reported for the serving model when the client asks for it", async () => {
    const a = track(mockUpstream(() => openaiError(503, "down")));
    const b = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            ...words("b-up", ["x"]),
            ...finish("b-up", { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 }),
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const r = rig(a, b);
    const frames = sseData(await (await r.chat({ stream: true, stream_options: { include_usage: true } })).text());
    const usage = frames.find((f) => f !== "[DONE]" && f.usage) as Record<string, any>;
    expect(usage.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 1 });
    expect(b.calls[0].body.stream_options).toEqual({ include_usage: true });
    expect(lastLog(r)).toMatchObject({ servedModel: "b", tokens: { in: 9, out: 1 } });
  });

  test("a client that disconnects mid-stream releases the upstream connection", async () => {
    const a = track(
      mockUpstream((_n, _b, call) =>
        sse(
          [
            ...words("a-up", ["tick"]),
            ...Array.from({ length: 200 }, () => [{ pause: 10 }, { data: chunkJson("a-up", { content: "." }) }]).flat(),
            { end: "done" },
          ],
          call,
        ),
      ),
    );
    const b = healthyB();
    const r = rig(a, b);
    const res = await r.chat(stream);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await a.calls[0].gone;
    expect(a.calls[0].aborted).toBe(true);
    expect(b.calls).toHaveLength(0);
  });

  test("over real HTTP each chunk reaches the client while the upstream is still holding the next", async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const a = track(
      mockUpstream((_n, _b, call) => {
        const body = new ReadableStream<Uint8Array>({
          async start(c) {
            const send = (d: unknown) => c.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(d)}\n\n`));
            send(chunkJson("a-up", { role: "assistant", content: "first" }));
            await gate;
            send(chunkJson("a-up", { content: " second" }));
            send(chunkJson("a-up", {}, "stop"));
            c.enqueue(new TextEncoder().encode("data: [DONE]\n\n"));
            c.close();
          },
          cancel: () => call.markAborted(),
        });
        return new Response(body, { headers: { "content-type": "text/event-stream" } });
      }),
    );
    const b = healthyB();
    const r = rig(a, b, faultSettings({ timeout: { idleMs: 2000 } }));
    const res = await r.chat(stream);
    const reader = res.body!.getReader();
    let seen = "";
    const bound = Bun.sleep(1000).then(() => "timed out");
    while (!seen.includes("first")) {
      const next = await Promise.race([reader.read(), bound]);
      if (typeof next === "string" || next.done) break;
      seen += new TextDecoder().decode(next.value);
    }
    expect(seen).toContain("first");
    expect(seen).not.toContain("second");
    open();
    for (let i = 0; i < 20 && !seen.includes("[DONE]"); i++) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain("second");
    expect(seen).toContain("[DONE]");
  });
});
