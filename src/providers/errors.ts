// Classification of upstream failures into the engine's FailureClass vocabulary. Every adapter
// funnels HTTP errors, network errors and in-band stream errors through here so that a 429 or a
// refused connection means the same thing whichever provider produced it, and so that provider
// keys are scrubbed from every message in one place.
import type { FailureClass } from "../syntax/vocabulary.ts";
import { redactTokens } from "../runtime/redactor.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { networkCode } from "./network-code.ts";

/** The provider's own error description, extracted from whichever error JSON it speaks. */
export interface ProviderErrorInfo {
  message: string | null;
  type: string | null;
  code: string | null;
}

const MAX_MESSAGE = 300;

/** Pull `{error:{message,type,code}}` (OpenAI) or `{type:"error",error:{type,message}}` (Anthropic). */
export function errorInfo(body: unknown): ProviderErrorInfo {
  const err = (body as { error?: unknown } | null)?.error;
  if (typeof err === "string") return { message: err, type: null, code: null };
  if (err === null || typeof err !== "object") return { message: null, type: null, code: null };
  const e = err as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
  return { message: str(e.message), type: str(e.type), code: str(e.code) };
}

/** Which class a provider's error words put a failure in, or null when they say nothing specific. */
export function classFromInfo(info: ProviderErrorInfo): FailureClass | null {
  const words = `${info.code ?? ""} ${info.type ?? ""}`;
  const message = (info.message ?? "").toLowerCase();
  if (
    /context_length_exceeded|string_above_max_length/.test(words) ||
    /prompt is too long|maximum context length|context window/.test(message)
  )
    return "context_length";
  if (/content_policy_violation|content_filter/.test(words)) return "content_policy";
  if (
    /insufficient_quota|billing_error/.test(words) ||
    /credit balance is too low|exceeded your current quota/.test(message)
  )
    return "quota";
  if (/rate_limit/.test(words)) return "rate_limit";
  if (/overloaded_error|server_error|api_error|service_unavailable/.test(words)) return "server";
  if (/authentication_error|permission_error|invalid_api_key/.test(words)) return "auth";
  if (/not_found/.test(words)) return "not_found";
  return null;
}

function classFromStatus(status: number): FailureClass {
  if (status === 429) return "rate_limit";
  if (status >= 500) return "server";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  return "client";
}

/**
 * Class of an HTTP error. The status decides, except that a 4xx whose body names a more precise
 * cause (context length, content policy, spent quota) takes that cause: OpenAI sends quota
 * exhaustion as a 429 that waiting will not fix, and context overflows as a plain 400.
 */
export function classifyHttp(status: number, info: ProviderErrorInfo): FailureClass {
  const byStatus = classFromStatus(status);
  const byInfo = classFromInfo(info);
  if (
    status >= 400 &&
    status < 500 &&
    (byInfo === "context_length" || byInfo === "content_policy" || byInfo === "quota")
  )
    return byInfo;
  return byStatus;
}

/** Retry hints: `retry-after-ms` (OpenAI, precise) wins over `retry-after` (seconds or HTTP date). */
export function retryAfterMs(headers: Headers, nowEpochMs: number): number | null {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.round(Number(ms));
  const value = headers.get("retry-after");
  if (value === null) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowEpochMs);
}

/**
 * First pass over text that may have come from the upstream: the call's own key and obvious bearer
 * tokens. The engine's classifier then applies the policy's Redactor (src/runtime/redactor.ts),
 * which also catches parts and encodings of every configured secret.
 */
export function redact(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join("[redacted]");
  out = redactTokens(out);
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

/** Builds the UpstreamError for a non-2xx reply whose body text has already been read. */
export function httpError(
  provider: string,
  status: number,
  headers: Headers,
  bodyText: string,
  apiKey: string | undefined,
  nowEpochMs: number,
): UpstreamError {
  let info: ProviderErrorInfo = { message: null, type: null, code: null };
  try {
    info = errorInfo(JSON.parse(bodyText));
  } catch {
    // not JSON (a proxy's HTML page, an empty body): the status alone classifies it
  }
  const cls = classifyHttp(status, info);
  const detail = info.message ?? (bodyText.trim().startsWith("<") ? "" : bodyText.trim());
  const message = redact(`provider \`${provider}\` answered ${status}${detail ? `: ${detail}` : ""}`, apiKey);
  const code = info.code ?? info.type ?? defaultCode(cls);
  return new UpstreamError(
    cls,
    message,
    status,
    cls === "rate_limit" || cls === "server" || cls === "quota" ? retryAfterMs(headers, nowEpochMs) : null,
    code,
  );
}

/** An error event inside a 200 stream. Unknown kinds count as a cut: the stream did not finish. */
export function inBandError(provider: string, body: unknown, apiKey: string | undefined): UpstreamError {
  const info = errorInfo(body);
  const cls = classFromInfo(info) ?? "cut";
  const message = redact(
    `provider \`${provider}\` sent an error mid-stream: ${info.message ?? info.type ?? "unknown error"}`,
    apiKey,
  );
  return new UpstreamError(cls, message, null, null, info.code ?? info.type ?? defaultCode(cls));
}

function defaultCode(cls: FailureClass): string | null {
  if (cls === "context_length") return "context_length_exceeded";
  if (cls === "content_policy") return "content_policy_violation";
  if (cls === "quota") return "insufficient_quota";
  return null;
}

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ConnectionRefused",
  "FailedToOpenSocket",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_INVALID_URL",
  "UnableToConnect",
]);

/**
 * A fetch that threw before any response. Our own abort is rethrown untouched (the engine
 * aborted it and knows why); everything else becomes `connect` (never reached the server) or
 * `reset` (reached it, lost the connection before headers).
 */
export function networkError(provider: string, err: unknown, signal: AbortSignal, apiKey: string | undefined): unknown {
  if (signal.aborted) return err;
  if (err instanceof UpstreamError) return err;
  const code = networkCode(err);
  const cls: FailureClass = CONNECT_CODES.has(code) ? "connect" : "reset";
  const what = cls === "connect" ? "could not connect to" : "lost the connection to";
  return new UpstreamError(cls, redact(`${what} provider \`${provider}\` (${code})`, apiKey), null, null, code);
}
