// The one place adapters touch the network: a JSON POST through the injected Transport, with
// network failures and non-2xx replies turned into classified, key-free UpstreamErrors.
import type { Ports } from "../runtime/ports.ts";
import type { UpstreamCall } from "../runtime/upstream.ts";
import { GatewayFault, UpstreamError } from "../runtime/upstream.ts";
import { httpError, networkError, redact } from "./errors.ts";

/** Error bodies beyond this are not worth reading: the classification needs the first few hundred bytes. */
const MAX_ERROR_BODY = 64 * 1024;

export async function postJson(
  call: UpstreamCall,
  ports: Ports,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<Response> {
  const payload = serialise(body);
  let response: Response;
  try {
    response = await ports.transport.fetch(url, {
      method: "POST",
      headers: { ...call.provider.headers, ...call.headers, ...headers, "content-type": "application/json" },
      body: payload,
      signal: call.signal,
    });
  } catch (err) {
    throw networkError(call.provider.name, err, call.signal, call.apiKey);
  }
  if (response.ok) return response;
  const text = await readText(call, response, MAX_ERROR_BODY);
  throw httpError(call.provider.name, response.status, response.headers, text, call.apiKey, ports.clock.now());
}

/**
 * The body as JSON text. Serialising is our work, not the network's: it stays outside the fetch's
 * try, so that a failure here (a cycle, a RangeError on absurd nesting) is a GatewayFault and never
 * a `reset` blamed on the provider.
 */
function serialise(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    throw new GatewayFault(
      `the upstream body could not be serialised (${err instanceof Error ? err.name : "unknown"})`,
    );
  }
}

/** Reads a body as text (up to `limit` characters), classifying a connection lost mid-body. */
export async function readText(
  call: UpstreamCall,
  response: Response,
  limit = Number.POSITIVE_INFINITY,
): Promise<string> {
  // A body known to fit is read natively in one go: a stream reader costs a promise and a
  // ReadableStream per reply, which the gateway pays on every non-streamed completion.
  if (limit === Number.POSITIVE_INFINITY || Number(response.headers.get("content-length") ?? Infinity) <= limit) {
    try {
      return await response.text();
    } catch (err) {
      throw cutOrAbort(call, response, err);
    }
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length >= limit) break;
    }
    return text + decoder.decode();
  } catch (err) {
    throw cutOrAbort(call, response, err);
  } finally {
    reader.cancel().catch(() => {}); // release the connection whether or not we read it all
  }
}

/** A read that failed: the client's abort reason when it went away, else a `cut` upstream. */
function cutOrAbort(call: UpstreamCall, response: Response, err: unknown): unknown {
  if (call.signal.aborted) return call.signal.reason ?? err;
  return new UpstreamError(
    "cut",
    `provider \`${call.provider.name}\` dropped the connection mid-body`,
    response.status,
  );
}

/** Parses a successful reply body as JSON, or fails as `malformed` (never quoting the body). */
export async function readJson(call: UpstreamCall, response: Response): Promise<unknown> {
  const text = await readText(call, response);
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamError(
      "malformed",
      redact(`provider \`${call.provider.name}\` sent a reply that is not JSON`, call.apiKey),
      response.status,
    );
  }
}

export function joinUrl(baseUrl: string | null, path: string, provider: string): string {
  if (!baseUrl) throw new UpstreamError("connect", `provider \`${provider}\` has no base url`);
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}
