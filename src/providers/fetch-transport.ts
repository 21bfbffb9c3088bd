// The real network, as a Transport. `serve` and the fault suite pass it in; the engine and the
// adapters only ever see the Transport port, so simulation and tests can swap it out.
// Whole replies go over fetch. Streams go over fetch or node:http per origin (stream-trust.ts):
// node:http until the origin has shown it ends its streams with the chunked terminator (Bun's fetch
// loses a stream's last events when the upstream closes right after them without it), fetch after,
// which costs ~60-90 µs less CPU per stream under load.
import type { Transport } from "../runtime/ports.ts";
import { nodeHttpFetch } from "./node-http-transport.ts";
import { originOf, StreamTrust } from "./stream-trust.ts";

/** Whether the adapter asked for an event stream (both adapters send `accept: text/event-stream`). */
function wantsStream(headers: RequestInit["headers"]): boolean {
  if (headers === undefined || headers instanceof Headers || Array.isArray(headers))
    return new Headers(headers).get("accept") === "text/event-stream";
  return headers.accept === "text/event-stream";
}

/**
 * A network transport with its own record of which origins' streams may go over fetch: one per
 * gateway (serve makes one), so what a gateway learned about its upstreams stays its own.
 */
export function createNetworkTransport(trust = new StreamTrust()): Transport {
  return {
    fetch(url, init) {
      if (!wantsStream(init.headers)) return fetch(url, init);
      const origin = originOf(url);
      return trust.trusted(origin) ? fetch(url, init) : nodeHttpFetch(url, init, trust, origin);
    },
    bodyBroke: (url) => trust.broke(originOf(url)),
  };
}
