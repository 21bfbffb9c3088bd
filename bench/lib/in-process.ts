// The gateway and the engine without a network, for the microbenchmarks: a Transport that answers
// every upstream call at once with the bench upstream's fixed replies (or a long stream), so what
// is timed is Switchyard's own work per request and per streamed event.
import { compilePolicySource } from "../../src/compile/index.ts";
import type { Graph } from "../../src/compile/graph.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import type { Ports, Transport } from "../../src/runtime/ports.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import { systemClock } from "../../src/ports/system-clock.ts";
import { createGateway, type Gateway } from "../../src/server/app.ts";
import { COMPLETION_JSON, CONTENT_EVENT, STREAM_TEXT } from "./fixtures.ts";

export function compileOrThrow(source: string): Graph {
  const compiled = compilePolicySource(source, "bench.route");
  if (!compiled.graph) throw new Error(`bench policy does not compile: ${compiled.diagnostics[0]?.message}`);
  return compiled.graph;
}

/** A stream of `extraEvents` more content events than the bench upstream's usual reply (or `extra` as given). */
export function streamOf(extraEvents: number, extra = CONTENT_EVENT.repeat(extraEvents)): Uint8Array<ArrayBuffer> {
  const head = STREAM_TEXT.indexOf("data: ", 1); // after the role event
  return new TextEncoder().encode(STREAM_TEXT.slice(0, head) + extra + STREAM_TEXT.slice(head));
}

/** Answers at once: JSON for plain requests, `streamBody` for `"stream":true` ones. */
export function instantTransport(streamBody: Uint8Array<ArrayBuffer> = streamOf(0)): Transport {
  return {
    fetch: async (_url, init) => {
      const streaming = typeof init.body === "string" && init.body.includes('"stream":true');
      return streaming
        ? new Response(streamBody, { headers: { "content-type": "text/event-stream" } })
        : new Response(COMPLETION_JSON, { headers: { "content-type": "application/json" } });
    },
  };
}

export function benchPorts(transport: Transport): Ports {
  return { clock: systemClock, random: new SeededRandom(1), transport, secrets: { get: () => undefined } };
}

/** The real gateway app (engine, adapters, metrics, log lines into a counter). */
export function inProcessGateway(graph: Graph, transport: Transport): { gateway: Gateway; logLines: () => number } {
  let lines = 0;
  const gateway = createGateway({
    graph,
    ports: benchPorts(transport),
    adapters: defaultAdapters(),
    log: () => void lines++,
  });
  return { gateway, logLines: () => lines };
}

export function chatRequest(body: string, path = "/v1/chat/completions"): Request {
  return new Request(`http://gateway.local${path}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      authorization: "Bearer bench",
    },
  });
}

/** The thin proxy's work without the network: read the body, call upstream, pass the reply body on. */
export function thinHandler(transport: Transport): (req: Request) => Promise<Response> {
  const signal = new AbortController().signal;
  return async (req) => {
    const res = await transport.fetch("http://upstream.local/v1/chat/completions", {
      method: "POST",
      body: await req.text(),
      headers: { "content-type": "application/json" },
      signal,
    });
    return new Response(res.body, {
      status: res.status,
      headers: { "content-type": res.headers.get("content-type") ?? "application/json" },
    });
  };
}
