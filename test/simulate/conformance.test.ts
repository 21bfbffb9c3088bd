// The fault conformance pack end to end: every shipped policy passes it, and a deliberately weak
// policy (no retries, no fallback, no idle timeout) fails it for the reasons it should.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { compilePolicyFile } from "../../src/compile/index.ts";
import { FAULT_CASES, runConformance, type Scorecard } from "../../src/simulate/conformance/run.ts";

const ROOT = `${import.meta.dir}/../..`;

async function scorecard(path: string, route?: string): Promise<Scorecard> {
  const compiled = await compilePolicyFile(path);
  if (!compiled.graph) throw new Error(`${path} does not compile`);
  return runConformance(compiled.graph, path, route);
}

/** `route/case: grade reason` for every case graded `grade`. */
function graded(card: Scorecard, grade: string): string[] {
  return card.routes.flatMap((r) =>
    "results" in r ? r.results.filter((x) => x.grade === grade).map((x) => `${r.route}/${x.id}: ${x.reason}`) : [],
  );
}

describe("shipped policies", () => {
  const policies = readdirSync(`${ROOT}/policies`).filter((f) => f.endsWith(".route"));

  test("are all here", () => {
    expect(policies.sort()).toEqual([
      "default.route",
      "eval-cache.route",
      "free-tiers.route",
      "multi-provider-v2.route",
      "multi-provider.route",
      "teams.route",
    ]);
  });

  for (const file of policies) {
    test(`${file} passes: no case fails on any route`, async () => {
      const card = await scorecard(`${ROOT}/policies/${file}`);
      expect(graded(card, "fail")).toEqual([]);
      expect(card.passed).toBe(true);
      expect(card.routes.some((r) => "results" in r && r.results.length === FAULT_CASES.length)).toBe(true);
    });
  }

  test("a route that cannot serve plain chat is skipped with the reason, not failed", async () => {
    const card = await scorecard(`${ROOT}/policies/default.route`, "embed");
    expect(card.routes).toEqual([{ route: "embed", skipped: "a plain chat request is not served (unservable)" }]);
  });
});

describe("a weak policy: no retries, no fallback, no idle timeout", () => {
  test("fails each case it should, for the reason it should", async () => {
    const card = await scorecard(`${import.meta.dir}/fixtures/weak.route`);
    expect(card.passed).toBe(false);
    const route = card.routes[0]!;
    if (!("results" in route)) throw new Error("the weak policy's route was skipped");
    const byId = Object.fromEntries(route.results.map((x) => [x.id, `${x.grade}: ${x.reason}`]));
    expect(byId).toEqual({
      "429-retry-after": "fail: a 429 with a 1s Retry-After reached the client: no retry and no fallback",
      "429-retry-after-date": "fail: a 429 with a 2s Retry-After reached the client: no retry and no fallback",
      "429-no-retry-after": "fail: a 429 without Retry-After reached the client: no retry and no fallback",
      "retry-after-over-cap": "safe: returned the 429 at once: the route has no fallback to move to",
      "500-once": "fail: a single 500 reached the client: no retry and no fallback",
      "503-persistent": "fail: 40 of 40 requests failed (a persistent 503): the route has no fallback",
      "reset-before-headers": "fail: a connection reset reached the client: no retry and no fallback",
      "no-response": "fail: 3 of 3 requests failed (an upstream that never answered): the route has no fallback",
      "slow-first-token": "fail: 4 of 4 requests failed (a slow first token): the route has no fallback",
      "stream-cut": "fail: 4 of 4 requests failed (cut after 10 tokens): the route has no fallback",
      "stall-past-idle":
        "fail: a stalled stream held the client 10m, until the total timeout: no idle timeout caught it",
      "malformed-event": "fail: 4 of 4 requests failed (malformed data): the route has no fallback",
      "error-event-after-content":
        "fail: 4 of 4 requests failed (error event after 10 tokens): the route has no fallback",
      "missing-terminator": "fail: 4 of 4 requests failed (ended without a terminator): the route has no fallback",
      "finish-then-cut": "pass: finish then cut: served as is, one attempt each",
      "length-stop": "pass: `length` stop: served as is, one attempt each",
      "context-length": "safe: failed cleanly: no model with a larger window in the chain",
      "content-policy": "pass: returned the refusal to the client (400), not retried",
      "flapping-primary": "fail: 360 of 360 requests failed (a flapping primary): the route has no fallback",
      "thundering-herd": "fail: 200 of 200 requests failed (an outage under a herd): the route has no fallback",
    });
  });
});
