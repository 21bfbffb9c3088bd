// SSE framing: one `data:` frame per engine event, `[DONE]` only after a normal end, an error frame
// and no `[DONE]` after a break, and a client that goes away aborts the engine request.
import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../src/runtime/api.ts";
import { createGateway } from "../../src/server/app.ts";
import { FakeClock, chatBody, chunk, events, fakeEngines, graph, meta, ports, post } from "./fixtures.ts";

function streamingGateway(list: () => AsyncIterable<StreamEvent>, clock = new FakeClock()) {
  const engines = fakeEngines((req) => ({
    kind: "stream",
    events: list(),
    meta: meta(req.route, {
      servedModel: "b",
      attempts: [
        {
          model: "a",
          provider: "p",
          status: 503,
          cls: "server",
          startedAt: 1000,
          durationMs: 0,
          ttftMs: null,
          message: null,
        },
      ],
      failovers: 1,
    }),
  }));
  const lines: string[] = [];
  const app = createGateway({
    graph: graph(),
    ports: ports(clock),
    adapters: {},
    createEngine: engines.create,
    log: (l) => lines.push(l),
  });
  return { app, engines, lines };
}

/** Splits an SSE body into its `data:` payloads (comments skipped, as SSE parsers do), checking every frame ends with a blank line. */
function frames(text: string): string[] {
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n\n")
    .filter((f) => !f.startsWith(": "))
    .map((f) => {
      expect(f.startsWith("data: ")).toBe(true);
      return f.slice("data: ".length);
    });
}

describe("streaming", () => {
  test("chunks are framed one per event and end with [DONE]", async () => {
    const { app, lines } = streamingGateway(() =>
      events([{ type: "chunk", chunk: chunk("Hel") }, { type: "chunk", chunk: chunk("lo") }, { type: "done" }]),
    );
    const res = await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-switchyard-attempts")).toBe("a:503,b:200");
    expect(res.headers.get("x-switchyard-model")).toBe("b");
    const text = await res.text();
    const data = frames(text);
    expect(data).toHaveLength(3);
    // the attempt trail as the stream ended, just before [DONE] (the headers went out before it)
    expect(text).toEndWith("\n\n: switchyard attempts=a:503; model=b\n\ndata: [DONE]\n\n");
    expect(JSON.parse(data[0]).choices[0].delta.content).toBe("Hel");
    expect(JSON.parse(data[1]).choices[0].delta.content).toBe("lo");
    expect(data[2]).toBe("[DONE]");
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.event === "request");
    expect(requests).toHaveLength(1); // one line per request, written when the stream ends
    expect(requests[0]).toMatchObject({ stream: true, status: 200, servedModel: "b", error: null, route: "fast" });
  });

  test("an error event ends the stream without [DONE]", async () => {
    const { app, lines } = streamingGateway(() =>
      events([
        { type: "chunk", chunk: chunk("Hel") },
        {
          type: "error",
          error: {
            error: {
              message: "the stream broke after 3 chars",
              type: "upstream_error",
              param: null,
              code: "stream_broken",
            },
          },
        },
      ]),
    );
    const res = await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })));
    const data = frames(await res.text());
    expect(data).toHaveLength(2);
    expect(JSON.parse(data[1]).error.message).toContain("broke");
    expect(data).not.toContain("[DONE]");
    expect(JSON.parse(lines.at(-1)!).error).toBe("stream_error");
  });

  test("an event source that ends without a terminal event is reported as an error, not completed", async () => {
    const { app } = streamingGateway(() => events([{ type: "chunk", chunk: chunk("x") }]));
    const data = frames(await (await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })))).text());
    expect(data.at(-1)).not.toBe("[DONE]");
    expect(JSON.parse(data.at(-1)!).error.code).toBe("stream_incomplete");
  });

  test("an event source that throws is reported as an error frame without its message", async () => {
    async function* failing(): AsyncGenerator<StreamEvent> {
      yield { type: "chunk", chunk: chunk("x") };
      throw new Error("secret internals");
    }
    const { app } = streamingGateway(failing);
    const text = await (await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })))).text();
    expect(text).not.toContain("secret internals");
    expect(frames(text).at(-1)).not.toBe("[DONE]");
  });

  test("each chunk reaches the client before the next one exists (no buffering)", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* gated(): AsyncGenerator<StreamEvent> {
      yield { type: "chunk", chunk: chunk("first") };
      await gate;
      yield { type: "chunk", chunk: chunk("second") };
      yield { type: "done" };
    }
    const { app } = streamingGateway(gated);
    const res = await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })));
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("first");
    expect(first).not.toContain("second");
    release();
    let rest = "";
    for (let i = 0; i < 10; i++) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain("second");
    expect(rest).toContain("[DONE]");
  });

  test("cancelling the body aborts the engine request and stops the event source", async () => {
    let finalized = false;
    const clock = new FakeClock();
    async function* endless(): AsyncGenerator<StreamEvent> {
      try {
        for (let i = 0; i < 1000; i++) {
          clock.t += 25; // each chunk is 25 ms of upstream time
          yield { type: "chunk", chunk: chunk(`t${i}`) };
        }
        yield { type: "done" };
      } finally {
        finalized = true;
      }
    }
    const { app, engines, lines } = streamingGateway(endless, clock);
    const res = await app.fetch(post("/v1/chat/completions", chatBody({ stream: true })));
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    const signal = engines.built[0].requests[0].signal!;
    expect(signal.aborted).toBe(true);
    expect(finalized).toBe(true);
    const log = JSON.parse(lines.at(-1)!);
    expect(log.error).toBe("client_cancelled");
    expect(log.durationMs).toBeGreaterThanOrEqual(25);
    expect(log.overheadMs).toBe(0); // the upstream's time, though its attempt was never recorded, is not overhead
    expect(app.inflight()).toBe(0);
  });

  test("a client disconnect (request signal) aborts the engine request", async () => {
    const client = new AbortController();
    const { app, engines } = streamingGateway(() => events([{ type: "chunk", chunk: chunk("x") }, { type: "done" }]));
    const req = new Request("http://gw.test/v1/chat/completions", {
      method: "POST",
      body: JSON.stringify(chatBody({ stream: true })),
      signal: client.signal,
    });
    await app.fetch(req);
    const signal = engines.built[0].requests[0].signal!;
    expect(signal.aborted).toBe(false);
    client.abort();
    expect(signal.aborted).toBe(true);
  });
});
