// A client must not be able to hurt a healthy provider with a body the gateway cannot handle
// (issue 9, item 1): absurd nesting is the client's 400 at parse time, and any failure of the
// gateway's own making while building the upstream body never counts against a provider.
import { describe, expect, test } from "bun:test";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { MAX_JSON_DEPTH, nestingExceeds } from "../../src/server/body.ts";
import { faultGraph, faultSettings, startRig, stopAfterEach } from "./fault-harness.ts";
import { completionBody, json, mockUpstream } from "./mock-upstream.ts";

const track = stopAfterEach();

function rig() {
  const a = track(mockUpstream(() => json(completionBody("a-up", "fine"))));
  // one failure would open a breaker: any blame on the provider shows at once
  const r = track(
    startRig(
      faultGraph([{ name: "a", upstream: a }], faultSettings({ retry: { attempts: 3 }, breaker: { failures: 1 } })),
    ),
  );
  return { a, r };
}

const closedBreakers = (r: ReturnType<typeof rig>["r"]) =>
  Object.values(r.gateway.engine().state().breakers).every((b) => b.phase === "closed");

describe("hostile request bodies", () => {
  test("a body nested 50,000 deep is a 400 naming the limit; no upstream call, breakers stay closed", async () => {
    const { a, r } = rig();
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    const body = `{"model":"r","messages":[{"role":"user","content":"hi"}],"x":${deep}}`;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${r.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status).toBe(400);
      const err = ((await res.json()) as any).error;
      expect(err.type).toBe("invalid_request_error");
      expect(err.message).toContain(`${MAX_JSON_DEPTH}`);
    }
    expect(a.calls).toHaveLength(0);
    expect(closedBreakers(r)).toBe(true);
    expect((await r.chat({})).status).toBe(200);
  });

  test("an upstream body the gateway cannot serialise is its own 500: not retried, not blamed on the provider", async () => {
    const { a, r } = rig();
    // A BigInt passes no HTTP parser, but stands for any body JSON.stringify refuses: the fault is ours.
    const outcome = await r.gateway.engine().chat({
      id: "t1",
      route: "r",
      body: { model: "r", messages: [{ role: "user", content: "hi" }], x: 1n },
      headers: new Headers(),
      signal: new AbortController().signal,
      receivedAt: new SystemClock().now(),
    });
    expect(outcome.kind).toBe("error");
    if (outcome.kind === "error") {
      expect(outcome.status).toBe(500);
      expect((outcome.error as any).error.code).toBe("internal_error");
      expect(outcome.meta.attempts).toHaveLength(0);
    }
    expect(a.calls).toHaveLength(0);
    expect(closedBreakers(r)).toBe(true);
    expect((await r.chat({})).status).toBe(200);
  });

  test("the nesting scan ignores brackets inside strings and escaped quotes", () => {
    expect(nestingExceeds(`{"a":"[[[[[[","b":"\\"[[[["}`, 2)).toBe(false);
    expect(nestingExceeds(`{"a":[[1]]}`, 2)).toBe(true);
    expect(nestingExceeds(`{"a":"\\\\","b":[[1]]}`, 2)).toBe(true);
  });
});
