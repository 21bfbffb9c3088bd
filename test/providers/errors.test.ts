// Failure classification details not reached through a live upstream: Retry-After edge cases,
// key scrubbing, network error codes, 200 replies carrying an error, and the adapter set.
import { describe, expect, test } from "bun:test";
import { classifyHttp, networkError, redact, retryAfterMs } from "../../src/providers/errors.ts";
import { defaultAdapters } from "../../src/providers/index.ts";
import { openaiAdapter } from "../../src/providers/openai-compatible.ts";
import { UpstreamError } from "../../src/runtime/upstream.ts";
import { call, realPorts, rejection } from "./helpers.ts";

const info = (code: string | null, message: string | null = null) => ({ code, message, type: null });

describe("classification", () => {
  test("Retry-After: seconds, fractions, past dates, junk", () => {
    const h = (init: Record<string, string>) => new Headers(init);
    expect(retryAfterMs(h({ "retry-after": "0" }), 0)).toBe(0);
    expect(retryAfterMs(h({ "retry-after": "1.5" }), 0)).toBe(1500);
    expect(retryAfterMs(h({ "retry-after": "Thu, 01 Jan 1970 00:00:01 GMT" }), 5000)).toBe(0);
    expect(retryAfterMs(h({ "retry-after": "soon" }), 0)).toBeNull();
    expect(retryAfterMs(h({ "retry-after-ms": "junk", "retry-after": "2" }), 0)).toBe(2000);
    expect(retryAfterMs(h({}), 0)).toBeNull();
  });

  test("a precise cause in a 4xx body beats the status; 5xx stays server", () => {
    expect(classifyHttp(429, info("insufficient_quota"))).toBe("quota");
    expect(classifyHttp(413, info(null, "Prompt is too long"))).toBe("context_length");
    expect(classifyHttp(500, info("context_length_exceeded"))).toBe("server");
    expect(classifyHttp(418, info(null))).toBe("client");
  });

  test("redact removes the key and bearer-looking tokens, and bounds the length", () => {
    expect(redact("bad key abcd-1234-key used", "abcd-1234-key")).toBe("bad key [redacted] used");
    expect(redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", undefined)).not.toContain("eyJhbGci");
    expect(redact("x".repeat(1000), undefined).length).toBeLessThan(310);
  });

  test("network errors: refused/DNS → connect, others → reset, our abort passes through", () => {
    const live = new AbortController().signal;
    const withCode = (code: string) => Object.assign(new TypeError(`${code}: http://user:sk-leak@host`), { code });
    expect((networkError("p", withCode("ECONNREFUSED"), live, undefined) as UpstreamError).cls).toBe("connect");
    expect((networkError("p", withCode("ENOTFOUND"), live, undefined) as UpstreamError).cls).toBe("connect");
    const reset = networkError("p", withCode("ECONNRESET"), live, undefined) as UpstreamError;
    expect(reset.cls).toBe("reset");
    expect(reset.message).not.toContain("sk-leak");
    const aborted = new AbortController();
    aborted.abort(new Error("timeout"));
    const original = withCode("ECONNRESET");
    expect(networkError("p", original, aborted.signal, undefined)).toBe(original);
  });

  test("a 200 reply carrying an error object is classified, not called malformed", async () => {
    const transport = {
      fetch: async () =>
        Response.json({
          error: {
            message: "maximum context length exceeded",
            type: "invalid_request_error",
            code: "context_length_exceeded",
          },
        }),
    };
    const err = await rejection(openaiAdapter.chat(call(), realPorts(transport)));
    expect(err.cls).toBe("context_length");
  });
});

test("defaultAdapters maps every provider kind", () => {
  const adapters = defaultAdapters();
  expect(Object.keys(adapters).sort()).toEqual(["anthropic", "openai", "simulated"]);
  for (const a of Object.values(adapters)) expect(typeof a.chat).toBe("function");
});
