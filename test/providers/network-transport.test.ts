// The network transport on its own, against raw sockets on 127.0.0.1: a stream keeps every byte
// that arrived before the connection closed (Bun's fetch lost them), whole replies still work, and
// an abort or a cancelled body lets go of the connection.
import { describe, expect, test } from "bun:test";
import { createNetworkTransport } from "../../src/providers/fetch-transport.ts";
import { closingUpstream, completionBody, frames, json, mockUpstream, sse, words } from "../server/mock-upstream.ts";
import { stopAfterEach } from "../server/fault-harness.ts";

const track = stopAfterEach();
const networkTransport = createNetworkTransport();
const streamInit = (signal = new AbortController().signal) => ({
  method: "POST",
  headers: { accept: "text/event-stream", "content-type": "application/json" },
  body: "{}",
  signal,
});

/** Reads a body to its end or its error: the text that arrived, and the error's code. */
async function readAll(res: Response): Promise<{ text: string; error: string | null }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: null };
      text += decoder.decode(value, { stream: true });
    }
  } catch (err) {
    return { text, error: (err as { code?: string }).code ?? "unknown" };
  }
}

describe("network transport", () => {
  test("a stream's last events arrive before the close without the chunked terminator is reported", async () => {
    for (let run = 0; run < 20; run++) {
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const up = track(closingUpstream(frames({ n: 1 }), frames({ n: 2 }, "[DONE]"), gate));
      const res = await networkTransport.fetch(`${up.url}/chat/completions`, streamInit());
      open();
      const { text, error } = await readAll(res);
      expect(text).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
      expect(error).toBe("ECONNRESET");
    }
  });

  test("status, headers and a whole body come through, streamed or not", async () => {
    const up = track(
      mockUpstream((_n, body) =>
        body.stream
          ? sse([...words("m", ["a"]), { end: "done" }])
          : json(completionBody("m", "hi"), 201, { "x-up": "1" }),
      ),
    );
    const whole = await networkTransport.fetch(`${up.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: new AbortController().signal,
    });
    expect([whole.status, whole.headers.get("x-up")]).toEqual([201, "1"]);
    expect(((await whole.json()) as any).choices[0].message.content).toBe("hi");
    const streamed = await networkTransport.fetch(`${up.url}/chat/completions`, {
      ...streamInit(),
      body: '{"stream":true}',
    });
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    expect((await readAll(streamed)).text).toContain("[DONE]");
    expect(up.calls[1].body).toEqual({ stream: true });
  });

  test("an abort before the answer rejects with its reason; a cancelled body closes the connection", async () => {
    const silent = track(mockUpstream(() => new Promise<Response>(() => {})));
    const abort = new AbortController();
    const pending = networkTransport.fetch(`${silent.url}/chat/completions`, streamInit(abort.signal));
    const reason = new Error("deadline");
    abort.abort(reason);
    expect(
      await pending.then(
        () => null,
        (err) => err,
      ),
    ).toBe(reason);

    const ticking = track(
      mockUpstream((_n, _b, call) => sse([...words("m", ["a"]), { pause: 5000 }, { end: "done" }], call)),
    );
    const res = await networkTransport.fetch(`${ticking.url}/chat/completions`, streamInit());
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await ticking.calls[0].gone;
    expect(ticking.calls[0].aborted).toBe(true);
  });
});
