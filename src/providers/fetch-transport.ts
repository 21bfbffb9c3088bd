// The real network, as a Transport. `serve` and the adapter tests pass it in; the engine and the
// adapters only ever see the Transport port, so simulation and tests can swap it out.
import type { Transport } from "../runtime/ports.ts";

export const fetchTransport: Transport = { fetch: (url, init) => fetch(url, init) };
