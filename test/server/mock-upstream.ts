// Scriptable OpenAI-compatible upstreams on 127.0.0.1 for the fault suite: each call gets its
// index and can answer normally, fail with a status, stream with pauses, cut, stall, or (raw TCP)
// reset or never answer. Every call is recorded with its arrival time and body so tests can
// assert what the upstream saw, not only what the client got.

export interface UpstreamCallRecord {
  at: number; // performance.now() on arrival
  body: Record<string, any>;
  headers: Headers;
  /** Set when the gateway closed the connection before this reply ended. */
  aborted: boolean;
  /** Resolves when `aborted` becomes true (tests await it rather than polling). */
  gone: Promise<void>;
  markAborted(): void;
}

function newCall(body: Record<string, any>, headers = new Headers()): UpstreamCallRecord {
  let resolve!: () => void;
  const call: UpstreamCallRecord = {
    at: performance.now(),
    body,
    headers,
    aborted: false,
    gone: new Promise<void>((r) => (resolve = r)),
    markAborted() {
      call.aborted = true;
      resolve();
    },
  };
  return call;
}

export type Reply = Response | Promise<Response>;
export type Script = (n: number, body: Record<string, any>, call: UpstreamCallRecord) => Reply;

export interface MockUpstream {
  url: string;
  calls: UpstreamCallRecord[];
  stop(): void;
}

export function mockUpstream(script: Script): MockUpstream {
  const calls: UpstreamCallRecord[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      const call = newCall((await req.json()) as Record<string, any>, req.headers);
      calls.push(call);
      req.signal.addEventListener("abort", () => call.markAborted(), { once: true });
      return script(calls.length - 1, call.body, call);
    },
  });
  return { url: `http://127.0.0.1:${server.port}/v1`, calls, stop: () => void server.stop(true) };
}

/** A raw TCP upstream: `reset` closes each connection as soon as the request arrives, `silent` never answers. */
export function rawUpstream(mode: "reset" | "silent"): MockUpstream & { connections: () => number } {
  let connections = 0;
  const calls: UpstreamCallRecord[] = [];
  const open = new Set<{ end(): void }>();
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        connections++;
        open.add(socket);
      },
      data(socket) {
        if (calls.length < connections) calls.push(newCall({}));
        if (mode === "reset") socket.terminate();
      },
      close(socket) {
        open.delete(socket);
        calls.at(-1)?.markAborted();
      },
    },
  });
  return {
    url: `http://127.0.0.1:${listener.port}/v1`,
    calls,
    connections: () => connections,
    stop: () => {
      for (const s of open) s.end();
      listener.stop(true);
    },
  };
}

/**
 * A raw TCP upstream that streams like many real servers end: it writes the response head and the
 * `head` SSE frames at once, waits for `gate` (so the test decides when the gateway is mid-stream),
 * then writes the `tail` frames and destroys the socket without the chunked terminator (`0\r\n\r\n`).
 */
export function closingUpstream(head: string[], tail: string[], gate: Promise<void>): MockUpstream {
  const calls: UpstreamCallRecord[] = [];
  const chunked = (frames: string[]) => frames.map((f) => `${Buffer.byteLength(f).toString(16)}\r\n${f}\r\n`).join("");
  const answered = new WeakSet<object>(); // the request may arrive in several packets: answer once
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      async data(socket) {
        if (answered.has(socket)) return;
        answered.add(socket);
        calls.push(newCall({}));
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${chunked(head)}`,
        );
        await gate;
        socket.write(chunked(tail));
        socket.terminate();
      },
    },
  });
  return { url: `http://127.0.0.1:${listener.port}/v1`, calls, stop: () => listener.stop(true) };
}

/** SSE frames (`data: …\n\n`) for chunk objects, with `[DONE]` for the string. */
export function frames(...data: unknown[]): string[] {
  return data.map((d) => `data: ${typeof d === "string" ? d : JSON.stringify(d)}\n\n`);
}

const encoder = new TextEncoder();
let seq = 0;

export function completionBody(
  model: string,
  text: string,
  usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
) {
  return {
    id: `chatcmpl-${++seq}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage,
  };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function openaiError(
  status: number,
  message: string,
  code: string | null = null,
  headers: Record<string, string> = {},
): Response {
  return json({ error: { message, type: "invalid_request_error", param: null, code } }, status, headers);
}

export function chunkJson(
  model: string,
  delta: Record<string, unknown>,
  finish: string | null = null,
  extra: Record<string, unknown> = {},
) {
  return {
    id: "chatcmpl-up",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  };
}

/** One step of a scripted stream: a frame to send, a pause, or how the stream ends. */
export type Step = { data: unknown } | { raw: string } | { pause: number } | { end: "done" | "close" | "hang" };

/** An SSE response that plays `steps` with real pauses (the upstream's own behaviour under test). */
export function sse(steps: Step[], call?: UpstreamCallRecord): Response {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const step of steps) {
        if (cancelled) return;
        if ("pause" in step) await Bun.sleep(step.pause);
        else if ("data" in step)
          controller.enqueue(
            encoder.encode(`data: ${typeof step.data === "string" ? step.data : JSON.stringify(step.data)}\n\n`),
          );
        else if ("raw" in step) controller.enqueue(encoder.encode(step.raw));
        else if (step.end === "done") {
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
          return;
        } else if (step.end === "close") {
          controller.close();
          return;
        } else return; // hang: keep the connection open until the gateway gives up on it
      }
      controller.close();
    },
    cancel() {
      cancelled = true;
      call?.markAborted();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** Content chunks for `words`, each a frame, with an optional pause between them. */
export function words(model: string, list: string[], pause = 0): Step[] {
  const steps: Step[] = [{ data: chunkJson(model, { role: "assistant", content: "" }) }];
  for (const w of list) {
    if (pause) steps.push({ pause });
    steps.push({ data: chunkJson(model, { content: w }) });
  }
  return steps;
}

export function finish(model: string, usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 }): Step[] {
  return [{ data: chunkJson(model, {}, "stop") }, { data: { ...chunkJson(model, {}, null), choices: [], usage } }];
}
