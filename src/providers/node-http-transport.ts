// The real network on node:http rather than fetch, for the streams fetch-transport.ts sends here. Why: Bun's fetch (1.4.5) drops
// the bytes that arrive together with a connection close. An upstream that sends its last events
// (finish_reason, [DONE]) and closes without the chunked terminator is common, and with fetch the
// reader gets ECONNRESET instead of those events in most runs, so a complete answer looked cut.
// node:http hands over every byte received before it reports the close; the stream adapters then
// decide from what arrived whether the answer was complete. The Response it returns is an ordinary
// one, so adapters and the engine do not know which transport they run on. How each body ended is
// told to a StreamTrust when one is given (stream-trust.ts: which origins may use fetch).
import http from "node:http";
import https from "node:https";
import type { StreamTrust } from "./stream-trust.ts";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
} as const;

/** The error a body read fails with when the connection closed before the body ended. */
function connectionLost(): Error {
  return Object.assign(new Error("the connection closed before the body ended"), { code: "ECONNRESET" });
}

function responseHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** Told how a body ended: with its terminator, or cut by the upstream (a cancel of ours is neither: it tells nothing). */
interface BodyEnding {
  ended(): void;
  broke(): void;
}

/** The body as a web stream: every byte received is enqueued before a lost connection errors it. */
function bodyStream(
  res: http.IncomingMessage,
  abort: (reason: unknown) => void,
  ending: BodyEnding,
): ReadableStream<Uint8Array> {
  let ended = false; // closed, errored or cancelled: the controller takes nothing more
  return new ReadableStream<Uint8Array>({
    start(controller) {
      res.on("data", (chunk: Buffer) => {
        if (ended) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) res.pause(); // a slow reader: stop reading the socket
      });
      res.on("end", () => {
        if (ended) return;
        ended = true;
        controller.close();
        ending.ended();
      });
      res.on("close", () => {
        if (ended) return;
        ended = true;
        controller.error(connectionLost());
        ending.broke();
      });
      res.on("error", () => {}); // reported through "close"
    },
    pull() {
      res.resume();
    },
    cancel(reason) {
      ended = true;
      abort(reason);
    },
  });
}

function request(url: string, init: RequestInit & { signal: AbortSignal }, ending: BodyEnding): Promise<Response> {
  const { signal } = init;
  if (signal.aborted) return Promise.reject(signal.reason);
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const body = typeof init.body === "string" ? init.body : undefined; // adapters send JSON text
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const req = client.request(target, {
      method: init.method ?? "GET",
      headers,
      agent: agents[target.protocol as keyof typeof agents],
    });
    const abort = (reason: unknown): void => {
      req.destroy();
      reject(reason);
    };
    const onAbort = (): void => abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    req.on("response", (res) => {
      const status = res.statusCode ?? 502;
      const nullBody = status === 204 || status === 304 || init.method === "HEAD";
      if (nullBody) res.resume();
      res.on("close", () => signal.removeEventListener("abort", onAbort));
      resolve(
        new Response(nullBody ? null : bodyStream(res, abort, ending), {
          status,
          statusText: res.statusMessage ?? "",
          headers: responseHeaders(res.rawHeaders),
        }),
      );
    });
    req.end(body);
  });
}

/** node:http for `origin`, telling `trust` how each body ended. */
export function nodeHttpFetch(
  url: string,
  init: RequestInit & { signal: AbortSignal },
  trust: StreamTrust,
  origin: string,
): Promise<Response> {
  return request(url, init, { ended: () => trust.ended(origin), broke: () => trust.broke(origin) });
}
