// The request log line carries what `simulate --replay` rebuilds upstream behaviour from: each
// attempt's start (ms after the request arrived), its time to first token, and for a timeout which
// deadline it hit and the Retry-After an upstream sent; never the attempt's free-text message, which may quote an upstream's body.
import { expect, test } from "bun:test";
import type { AttemptRecord, OutcomeMeta } from "../../src/runtime/api.ts";
import { eventLogLine, requestLogLine } from "../../src/server/request-log.ts";

function attempt(over: Partial<AttemptRecord>): AttemptRecord {
  return {
    model: "a",
    provider: "p",
    status: 200,
    cls: "ok",
    startedAt: 1000,
    durationMs: 10,
    ttftMs: 4,
    message: null,
    ...over,
  };
}

test("attempts carry their start, ttft and timeout phase, not their message", () => {
  const meta = {
    route: "chat",
    servedModel: "b",
    startedAt: 1000,
    costUsd: 0,
    failovers: 1,
    continuations: 0,
    skipped: [],
    usage: null,
    attempts: [
      attempt({ status: 503, cls: "server", durationMs: 1.234, ttftMs: null, message: "upstream said: secret prompt" }),
      attempt({ status: 429, cls: "rate_limit", startedAt: 1002, durationMs: 1, ttftMs: null, retryAfterMs: 1500 }),
      attempt({ status: null, cls: "timeout", startedAt: 1003.5, message: "first token timeout", ttftMs: null }),
      attempt({ model: "b", startedAt: 1510.25, durationMs: 20 }),
    ],
  } as unknown as OutcomeMeta;
  const fields = { id: "r", method: "POST", path: "/v1/chat/completions", route: "chat", status: 200 };
  const line = requestLogLine(
    { ...fields, durationMs: 530, ttftMs: null, overheadMs: 0, stream: false, meta, error: null },
    2000,
  );
  expect(JSON.parse(line).attempts).toEqual([
    { model: "a", status: 503, cls: "server", at: 0, durationMs: 1.23, ttftMs: null },
    { model: "a", status: 429, cls: "rate_limit", at: 2, durationMs: 1, ttftMs: null, retryAfterMs: 1500 },
    { model: "a", status: null, cls: "timeout", at: 3.5, durationMs: 10, ttftMs: null, phase: "first_token" },
    { model: "b", status: 200, cls: "ok", at: 510.25, durationMs: 20, ttftMs: 4 },
  ]);
  expect(line).not.toContain("secret");
});

test("`time` is the ISO text of `at` across second, year and range edges, and null outside Date's range", () => {
  const timeOf = (at: number) => JSON.parse(eventLogLine("x", at, {})).time as string | null;
  const iso = (at: number) => (Number.isNaN(new Date(at).getTime()) ? null : new Date(at).toISOString());
  const edges = [0, 1, 999, 1000, 1000.7, 1733000000123.456, -1, -1500.5, 253402300799999, 253402300800000, 8.64e15];
  for (const at of [...edges, 8.64e15 + 1, Number.NaN, Number.POSITIVE_INFINITY]) expect(timeOf(at)).toBe(iso(at));
  // lines in time order, several a second (the cached part up to the second must move on)
  for (let at = 1_767_225_599_000; at < 1_767_225_603_000; at += 7.3) expect(timeOf(at)).toBe(iso(at));
});
