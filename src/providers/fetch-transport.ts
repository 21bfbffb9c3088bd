// The real network, as a Transport. `serve` and the fault suite pass it in; the engine and the
// adapters only ever see the Transport port, so simulation and tests can swap it out.
// Streams go over node:http (see node-http-transport.ts: Bun's fetch loses a stream's last events
// when the upstream closes right after them); whole replies go over fetch, which costs ~40 µs less
// per request, and for which a lost tail is a failed reply with either client.
import type { Transport } from "../runtime/ports.ts";
import { nodeHttpTransport } from "./node-http-transport.ts";

/** Whether the adapter asked for an event stream (both adapters send `accept: text/event-stream`). */
function wantsStream(headers: RequestInit["headers"]): boolean {
  if (headers === undefined || headers instanceof Headers || Array.isArray(headers))
    return new Headers(headers).get("accept") === "text/event-stream";
  return headers.accept === "text/event-stream";
}

export const networkTransport: Transport = {
  fetch: (url, init) => (wantsStream(init.headers) ? nodeHttpTransport.fetch(url, init) : fetch(url, init)),
};
