// The replay's upstream script: each logged attempt class becomes the simulated fault that makes
// the engine see the same thing, a request plays its own logged answers first, and an attempt the
// log has no counterpart for plays the model's logged attempt nearest in time.
import { describe, expect, test } from "bun:test";
import type { ModelNode, ProviderNode } from "../../src/compile/graph.ts";
import type { LoggedAttempt, LoggedRequest } from "../../src/simulate/replay/log-read.ts";
import { ReplayBehaviour, attemptsByModel, faultOf, scriptedAttempts } from "../../src/simulate/replay/script.ts";

const attempt = (over: Partial<LoggedAttempt>): LoggedAttempt => ({
  model: "a",
  status: 200,
  cls: "ok",
  at: 0,
  durationMs: 10,
  ttftMs: 4,
  phase: null,
  ...over,
});

function request(arrivedAt: number, attempts: LoggedAttempt[]): LoggedRequest {
  return {
    id: `r${arrivedAt}`,
    arrivedAt,
    route: "chat",
    key: null,
    status: 200,
    ok: true,
    stream: true,
    durationMs: 20,
    ttftMs: 4,
    servedModel: attempts.at(-1)!.model,
    attempts,
    tokens: { in: 10, out: 4 },
  };
}

describe("replay script", () => {
  test("each attempt class becomes the fault the engine classifies the same way", () => {
    expect(faultOf(attempt({}))).toBeNull();
    expect(faultOf(attempt({ cls: "cancelled" }))).toBeNull();
    expect(faultOf(attempt({ status: 429, cls: "rate_limit", retryAfterMs: 300 }))).toEqual({
      kind: "status",
      status: 429,
      retryAfterMs: 300,
    });
    expect(faultOf(attempt({ status: 503, cls: "server" }))).toEqual({ kind: "status", status: 503 });
    expect(faultOf(attempt({ status: null, cls: "timeout", phase: "first_token" }))).toEqual({ kind: "no_response" });
    expect(faultOf(attempt({ status: null, cls: "timeout", phase: "idle" }))).toEqual({
      kind: "stall_after",
      tokens: 1,
    });
    expect(faultOf(attempt({ cls: "cut" }))).toEqual({ kind: "cut_after", tokens: 1 });
    expect(faultOf(attempt({ status: null, cls: "connect" }))).toEqual({ kind: "reset" });
    expect(faultOf(attempt({ status: 400, cls: "context_length" }))).toEqual({ kind: "context_length" });
  });

  test("a stream's throughput: the tokens after the first over the time after the first", () => {
    const [s] = scriptedAttempts(request(1000, [attempt({ at: 2, durationMs: 10, ttftMs: 4 })]), 1000, 1);
    expect(s).toMatchObject({ model: "a", atMs: 2, ttftMs: 4, perTokenMs: 2 });
    expect(scriptedAttempts(request(1000, [attempt({ at: 2 })]), 0, 2)[0].atMs).toBe(501);
  });

  test("own answers first, then the model's nearest logged attempt", () => {
    const log = [
      request(0, [attempt({ status: 503, cls: "server" }), attempt({ model: "b", at: 5 })]),
      request(100, [attempt({ ttftMs: 7 })]),
    ];
    const own = log.map((r) => scriptedAttempts(r, 0, 1));
    const behaviour = new ReplayBehaviour(own, attemptsByModel(own), 0);
    const model = (name: string) => ({ name }) as ModelNode;
    const provider = { sim: null } as ProviderNode;
    const call = { outputTokens: 4, promptTokens: 10 };
    expect(behaviour.decide(model("a"), provider, 60, call, "sim-0").fault).toEqual({ kind: "status", status: 503 });
    // request 0 has no second attempt on `a`: at 60ms the nearest logged attempt on `a` is request 1's
    expect(behaviour.decide(model("a"), provider, 60, call, "sim-0")).toMatchObject({ fault: null, ttftMs: 7 });
    expect(behaviour.decide(model("b"), provider, 90, call, "sim-1")).toMatchObject({ fault: null, ttftMs: 4 });
    // a model the log never called: healthy, at the default profile's speed
    expect(behaviour.decide(model("c"), provider, 90, call, "sim-1")).toMatchObject({ fault: null, ttftMs: 200 });
  });
});
