// Shared builders for the provider tests: graph nodes, calls, ports and streams from text pieces.
import { afterAll, beforeAll } from "bun:test";
import type { Server } from "bun";
import type { ModelNode, ProviderNode } from "../../src/compile/graph.ts";
import type { Ports, Transport } from "../../src/runtime/ports.ts";
import type { ChatChunk, UpstreamCall } from "../../src/runtime/upstream.ts";
import { createNetworkTransport } from "../../src/providers/fetch-transport.ts";

export function provider(over: Partial<ProviderNode> = {}): ProviderNode {
  return {
    name: "up",
    kind: "openai",
    baseUrl: "http://127.0.0.1:1",
    keyEnv: null,
    headers: {},
    sim: null,
    limits: [],
    ...over,
  };
}

export function model(over: Partial<ModelNode> = {}): ModelNode {
  return {
    name: "m",
    upstream: "upstream-model",
    provider: "up",
    caps: 0,
    capNames: [],
    contextWindow: 128_000,
    maxOutput: 4096,
    priceIn: 1,
    priceOut: 2,
    limits: [],
    ...over,
  };
}

export function call(over: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    provider: provider(),
    model: model(),
    body: { model: "upstream-model", messages: [{ role: "user", content: "hi" }] },
    stream: false,
    apiKey: undefined,
    headers: {},
    signal: new AbortController().signal,
    ...over,
  };
}

/** Real-time ports for adapter tests against a local mock server (the adapters never sleep). */
export function realPorts(transport: Transport = createNetworkTransport()): Ports {
  return {
    clock: {
      now: () => Date.now(),
      sleep: () => Promise.reject(new Error("adapters must not sleep here")),
      schedule: () => {
        throw new Error("adapters must not schedule here");
      },
    },
    random: { next: () => 0.5 },
    transport,
    secrets: { get: () => undefined },
  };
}

/** A body that delivers exactly these pieces, split wherever the test says. */
export function bodyOf(pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) {
        const piece = pieces[i++];
        controller.enqueue(typeof piece === "string" ? encoder.encode(piece) : piece);
      } else controller.close();
    },
  });
}

export async function collect(chunks: AsyncIterator<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for (;;) {
    const r = await chunks.next();
    if (r.done) return out;
    out.push(r.value);
  }
}

/** Awaits a promise expected to reject and returns the rejection. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

export function contentOf(chunks: ChatChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
}

/** Splits text into pieces of `size` characters, to cut SSE lines at every possible place. */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A real local upstream on 127.0.0.1 for one test file: each test sets `handler`; started before and stopped after the file's tests. */
export function scriptedUpstream(): { handler: (req: Request) => Response | Promise<Response>; base: string } {
  const up = {
    handler: (_req: Request): Response | Promise<Response> => new Response("unset", { status: 500 }),
    base: "",
  };
  let server: Server<undefined> | undefined;
  beforeAll(() => {
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => up.handler(req) });
    up.base = `http://127.0.0.1:${server.port}/v1`;
  });
  afterAll(() => server?.stop(true));
  return up;
}
