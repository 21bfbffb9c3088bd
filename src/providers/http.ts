// The one place adapters touch the network: a JSON POST through the injected Transport, with
// network failures and non-2xx replies turned into classified, key-free UpstreamErrors.
import type { Ports } from "../runtime/ports.ts";
import type { UpstreamCall } from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { httpError, networkError, redact } from "./errors.ts";

/** Error bodies beyond this are not worth reading: the classification needs the first few hundred bytes. */
const MAX_ERROR_BODY = 64 * 1024;

export async function postJson(call: UpstreamCall, ports: Ports, url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await ports.transport.fetch(url, {
      method: "POST",
      headers: { ...call.provider.headers, ...call.headers, ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: call.signal,
    });
  } catch (err) {
    throw networkError(call.provider.name, err, call.signal, call.apiKey);
  }
  if (response.ok) return response;
  const text = await readText(call, response, MAX_ERROR_BODY);
  throw httpError(call.provider.name, response.status, response.headers, text, call.apiKey, ports.clock.now());
}

/** Reads a body as text (up to `limit` characters), classifying a connection lost mid-body. */
export async function readText(call: UpstreamCall, response: Response, limit = Number.POSITIVE_INFINITY): Promise<string> {
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
    if (call.signal.aborted) throw call.signal.reason ?? err;
    throw new UpstreamError("cut", `provider \`${call.provider.name}\` dropped the connection mid-body`, response.status);
  } finally {
    reader.cancel().catch(() => {}); // release the connection whether or not we read it all
  }
}

/** Parses a successful reply body as JSON, or fails as `malformed` (never quoting the body). */
export async function readJson(call: UpstreamCall, response: Response): Promise<unknown> {
  const text = await readText(call, response);
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamError("malformed", redact(`provider \`${call.provider.name}\` sent a reply that is not JSON`, call.apiKey), response.status);
  }
}

export function joinUrl(baseUrl: string | null, path: string, provider: string): string {
  if (!baseUrl) throw new UpstreamError("connect", `provider \`${provider}\` has no base url`);
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}
