// The OpenAI-compatible adapter against a real local upstream over real fetch: what it sends,
// how it streams, how it classifies failures, and that the key never leaks into an error.
import { describe, expect, test } from "bun:test";
import { openaiAdapter } from "../../src/providers/openai-compatible.ts";
import { UpstreamError } from "../../src/runtime/upstream.ts";
import { call, collect, contentOf, provider, realPorts, rejection, scriptedUpstream } from "./helpers.ts";

const KEY = "sk-test-SECRET-0123456789abcdef";
const up = scriptedUpstream();

const ports = realPorts();
const upstream = () => provider({ baseUrl: up.base, headers: { "x-provider": "p1" } });
const sse = (events: string[]) =>
  new Response(events.map((e) => `data: ${e}\n\n`).join(""), { headers: { "content-type": "text/event-stream" } });
const chunkJson = (content: string, finish: string | null = null) =>
  JSON.stringify({
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  });
const completion = {
  id: "x",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};

describe("requests", () => {
  test("non-stream: posts the body with key, provider and call headers, returns the completion", async () => {
    let seen: { url: string; headers: Headers; body: any } | null = null;
    up.handler = async (req) => {
      seen = { url: req.url, headers: req.headers, body: await req.json() };
      return Response.json(completion);
    };
    const body = {
      model: "gpt-x",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
    };
    const reply = await openaiAdapter.chat(
      call({ provider: upstream(), body, apiKey: KEY, headers: { "x-request-id": "r1" } }),
      ports,
    );
    expect(reply.kind).toBe("completion");
    if (reply.kind === "completion") expect(reply.body.choices[0].message.content).toBe("hello");
    expect(seen!.url).toBe(`${up.base}/chat/completions`);
    expect(seen!.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    expect(seen!.headers.get("x-provider")).toBe("p1");
    expect(seen!.headers.get("x-request-id")).toBe("r1");
    expect(seen!.body).toEqual({ model: "gpt-x", messages: [{ role: "user", content: "hi" }], temperature: 0.2 });
  });

  test("an explicit reasoning_effort wins over thinking, which is not sent", async () => {
    let sent: any = null;
    up.handler = async (req) => {
      sent = await req.json();
      return Response.json(completion);
    };
    const body = {
      model: "gpt-x",
      messages: [],
      reasoning_effort: "minimal",
      thinking: { type: "enabled", budget_tokens: 30000 },
    };
    await openaiAdapter.chat(call({ provider: upstream(), body }), ports);
    expect(sent).toEqual({ model: "gpt-x", messages: [], reasoning_effort: "minimal" });
  });

  test("stream: sets stream, keeps stream_options, yields chunks as parsed objects", async () => {
    let sent: any = null;
    up.handler = async (req) => {
      sent = await req.json();
      return sse([
        chunkJson("Hel"),
        chunkJson("lo", "stop"),
        JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }),
        "[DONE]",
      ]);
    };
    const body = { model: "gpt-x", messages: [], stream_options: { include_usage: true } };
    const reply = await openaiAdapter.chat(call({ provider: upstream(), body, stream: true }), ports);
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });
    if (reply.kind !== "stream") throw new Error("expected a stream");
    const chunks = await collect(reply.chunks);
    expect(contentOf(chunks)).toBe("Hello");
    expect(chunks[2].usage?.total_tokens).toBe(5);
  });

  test("a stream request answered with JSON is replayed as chunks", async () => {
    up.handler = () => Response.json(completion);
    const reply = await openaiAdapter.chat(call({ provider: upstream(), stream: true }), ports);
    if (reply.kind !== "stream") throw new Error("expected a stream");
    const chunks = await collect(reply.chunks);
    expect(contentOf(chunks)).toBe("hello");
    expect(chunks[0].choices[0].finish_reason).toBe("stop");
  });

  test("a 200 body that is not a completion is malformed", async () => {
    up.handler = () => new Response("<html>gateway</html>", { headers: { "content-type": "text/html" } });
    expect((await rejection(openaiAdapter.chat(call({ provider: upstream() }), ports))).cls).toBe("malformed");
    up.handler = () => Response.json({ object: "chat.completion" });
    expect((await rejection(openaiAdapter.chat(call({ provider: upstream() }), ports))).cls).toBe("malformed");
  });

  test("embeddings post to /embeddings and return the body", async () => {
    let path = "";
    up.handler = (req) => {
      path = new URL(req.url).pathname;
      return Response.json({ object: "list", data: [{ index: 0, embedding: [0.1] }] });
    };
    const reply = await openaiAdapter.embeddings(
      call({ provider: upstream(), body: { model: "e", input: "x" } }),
      ports,
    );
    expect(path).toBe("/v1/embeddings");
    expect(reply.body.data).toEqual([{ index: 0, embedding: [0.1] }]);
  });
});

describe("failures", () => {
  const errorBody = (code: string | null, message: string, type = "invalid_request_error") => ({
    error: { message, type, param: null, code },
  });
  const cases: [string, number, unknown, Record<string, string>, string, number | null][] = [
    [
      "429 with Retry-After seconds",
      429,
      errorBody("rate_limit_exceeded", "slow down"),
      { "retry-after": "3" },
      "rate_limit",
      3000,
    ],
    [
      "429 with retry-after-ms",
      429,
      errorBody(null, "slow down"),
      { "retry-after": "3", "retry-after-ms": "250" },
      "rate_limit",
      250,
    ],
    [
      "429 insufficient_quota",
      429,
      errorBody("insufficient_quota", "You exceeded your current quota"),
      {},
      "quota",
      null,
    ],
    ["500", 500, errorBody(null, "boom", "server_error"), {}, "server", null],
    ["503 with Retry-After", 503, "overloaded", { "retry-after": "1" }, "server", 1000],
    ["401", 401, errorBody("invalid_api_key", "Incorrect API key provided: KEY"), {}, "auth", null],
    ["403", 403, errorBody(null, "forbidden"), {}, "auth", null],
    ["404", 404, errorBody("model_not_found", "no such model"), {}, "not_found", null],
    [
      "400 context_length_exceeded",
      400,
      errorBody("context_length_exceeded", "This model's maximum context length is 8192 tokens"),
      {},
      "context_length",
      null,
    ],
    [
      "400 content_policy_violation",
      400,
      errorBody("content_policy_violation", "rejected by the safety system"),
      {},
      "content_policy",
      null,
    ],
    ["400 content_filter", 400, errorBody("content_filter", "filtered"), {}, "content_policy", null],
    ["400 other", 400, errorBody("invalid_value", "bad temperature"), {}, "client", null],
    ["422 plain text", 422, "unprocessable", {}, "client", null],
  ];
  for (const [name, status, body, headers, cls, retry] of cases) {
    test(`${name} → ${cls}`, async () => {
      up.handler = (req) => {
        // Echo the key back the way some upstreams do, to prove the adapter scrubs it.
        const echoed = JSON.stringify(body).replaceAll("KEY", req.headers.get("authorization") ?? "");
        return new Response(echoed, { status, headers });
      };
      const err = await rejection(openaiAdapter.chat(call({ provider: upstream(), apiKey: KEY }), ports));
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err.cls).toBe(cls);
      expect(err.status).toBe(status);
      expect(err.retryAfterMs).toBe(retry);
      expect(err.message).not.toContain(KEY);
      expect(err.message).not.toContain("SECRET");
      expect(JSON.stringify(err)).not.toContain("SECRET");
    });
  }

  test("Retry-After as an HTTP date is measured against the clock", async () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    up.handler = () => new Response("{}", { status: 429, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" } });
    const err = await rejection(
      openaiAdapter.chat(call({ provider: upstream() }), { ...ports, clock: { ...ports.clock, now: () => now } }),
    );
    expect(err.retryAfterMs).toBe(7000);
  });

  test("a server that closes the socket before headers is a reset", async () => {
    const tcp = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: (s) => void s.end() } });
    try {
      const err = await rejection(
        openaiAdapter.chat(
          call({ provider: provider({ baseUrl: `http://127.0.0.1:${tcp.port}` }), apiKey: KEY }),
          ports,
        ),
      );
      expect(err.cls).toBe("reset");
      expect(err.message).not.toContain(KEY);
    } finally {
      tcp.stop(true);
    }
  });

  test("a refused connection is connect", async () => {
    const tcp = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = tcp.port;
    tcp.stop(true);
    const err = await rejection(
      openaiAdapter.chat(call({ provider: provider({ baseUrl: `http://127.0.0.1:${port}` }) }), ports),
    );
    expect(err.cls).toBe("connect");
  });

  test("a connection dropped mid-stream without a finish is a cut", async () => {
    let socket: { end(): void } | null = null;
    const tcp = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(s) {
          socket = s;
          s.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n`);
          const event = `data: ${chunkJson("par")}\n\n`;
          s.write(`${event.length.toString(16)}\r\n${event}\r\n`);
          s.flush();
        },
      },
    });
    try {
      const reply = await openaiAdapter.chat(
        call({ provider: provider({ baseUrl: `http://127.0.0.1:${tcp.port}` }), stream: true }),
        ports,
      );
      if (reply.kind !== "stream") throw new Error("expected a stream");
      expect((await reply.chunks.next()).value.choices[0].delta.content).toBe("par");
      socket!.end(); // the upstream dies after its first chunk, before any finish_reason
      expect((await rejection(reply.chunks.next())).cls).toBe("cut");
    } finally {
      tcp.stop(true);
    }
  });

  test("our own abort is rethrown as-is and releases the upstream connection", async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    up.handler = (req) => {
      req.signal.addEventListener("abort", () => upstreamClosed());
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(encoder.encode(`data: ${chunkJson("first")}\n\n`)), // then silence
        cancel: () => upstreamClosed(),
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    };
    const controller = new AbortController();
    const reply = await openaiAdapter.chat(
      call({ provider: upstream(), stream: true, signal: controller.signal }),
      ports,
    );
    if (reply.kind !== "stream") throw new Error("expected a stream");
    expect((await reply.chunks.next()).value.choices[0].delta.content).toBe("first");
    const pending = reply.chunks.next();
    const reason = new DOMException("attempt timed out", "TimeoutError");
    controller.abort(reason);
    expect(await rejection(pending)).toBe(reason);
    await closed; // the upstream saw the connection go; the test times out otherwise
  });

  test("an abort before headers is rethrown as-is", async () => {
    let arrived!: () => void;
    const got = new Promise<void>((resolve) => (arrived = resolve));
    up.handler = (req) => {
      arrived();
      return new Promise<Response>((resolve) =>
        req.signal.addEventListener("abort", () => resolve(new Response("late"))),
      );
    };
    const controller = new AbortController();
    const pending = openaiAdapter.chat(call({ provider: upstream(), signal: controller.signal }), ports);
    await got;
    const reason = new Error("client went away");
    controller.abort(reason);
    expect(await rejection(pending)).toBe(reason);
  });
});
