// Cases for upstreams that answer with an error status, or not at all, before any reply: rate
// limits with and without Retry-After (seconds, HTTP-date, beyond the cap), a single 500, a
// persistent 503, a reset before headers and no response.
import { fault } from "./build.ts";
import { attemptsOn, duration, failedRequests, hung, transient, verdict } from "./judge.ts";
import type { CaseRun, FaultCase, RouteUnderTest, Verdict } from "./types.ts";

/** One request at 300 ms; a transient fault's window ends just after its first attempt starts. */
const ONE_REQUEST = [{ count: 1, fromMs: 300, toMs: 301 }];
const FIRST_ATTEMPT = 301;

/**
 * A 429 whose Retry-After lasts past the window: the retry must not come before the hint's instant.
 * `date`: the hint was an HTTP-date, so it names a whole second.
 */
function retryAfterJudge(hintMs: number, date: boolean) {
  return (r: RouteUnderTest, run: CaseRun): Verdict => {
    const row = run.rows[0]!;
    const tries = attemptsOn(row, r.primary.name);
    for (let i = 1; i < tries.length; i++) {
      const prev = tries[i - 1]!;
      const end = prev.startedAt + prev.durationMs;
      const due = date ? Math.floor((end + hintMs) / 1000) * 1000 : end + hintMs;
      if (tries[i]!.startedAt < due)
        return verdict(
          "fail",
          `retried \`${r.primary.name}\` after ${duration(tries[i]!.startedAt - end)}, before its Retry-After (${duration(due - end)})`,
        );
    }
    const t = transient(r, run.rows, `a 429 with a ${duration(hintMs)} Retry-After`);
    if (t.grade !== "pass") return t;
    return tries.length > 1
      ? verdict("pass", `waited the ${duration(hintMs)} Retry-After and retried \`${r.primary.name}\``)
      : t;
  };
}

const rateLimitSeconds: FaultCase = {
  id: "429-retry-after",
  title: "429 with Retry-After: 1 (seconds): wait it out or fail over, never retry sooner",
  setup: () => ({
    durationMs: 1000,
    traffic: ONE_REQUEST,
    faults: [fault("status", { status: 429, retryAfterMs: 1000, forMs: 800 })],
  }),
  judge: retryAfterJudge(1000, false),
};

const rateLimitDate: FaultCase = {
  id: "429-retry-after-date",
  title: "429 with Retry-After as an HTTP-date: the same, read to the second",
  setup: () => ({
    durationMs: 1000,
    traffic: ONE_REQUEST,
    faults: [fault("status", { status: 429, retryAfterMs: 2000, retryAfterDate: true, forMs: 800 })],
  }),
  judge: retryAfterJudge(2000, true),
};

const rateLimitBare: FaultCase = {
  id: "429-no-retry-after",
  title: "429 without Retry-After: back off and retry, or fail over",
  setup: () => ({
    durationMs: 1000,
    traffic: ONE_REQUEST,
    faults: [fault("status", { status: 429, forMs: FIRST_ATTEMPT })],
  }),
  judge: (r, run) => transient(r, run.rows, "a 429 without Retry-After"),
};

const rateLimitOverCap: FaultCase = {
  id: "retry-after-over-cap",
  title: "429 with a Retry-After beyond retry_after_cap: fail over at once, never hold the client, stay away",
  setup: (r) => ({
    durationMs: 10_000,
    traffic: [{ count: 3, toMs: 10_000 }],
    faults: [fault("status", { status: 429, retryAfterMs: r.settings.retry.retryAfterCapMs + 60_000 })],
  }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    const hint = r.settings.retry.retryAfterCapMs + 60_000;
    const held = run.rows.find((row) => row.latencyMs >= hint);
    if (held) return verdict("fail", `held a request ${duration(held.latencyMs)}, past the cap, on a long Retry-After`);
    if (run.rows.every((row) => row.ok)) {
      // the hint covers the whole run: every later request that still went to the primary was refused again
      const again = run.rows.slice(1).filter((row) => attemptsOn(row, r.primary.name).length > 0).length;
      if (again > 0)
        return verdict(
          "partial",
          `failed over without waiting, but ${again} later request(s) went to \`${r.primary.name}\` inside its Retry-After`,
        );
      return verdict("pass", `failed over to \`${run.rows[0]!.servedModel}\` without waiting`);
    }
    if (r.alternatives.length === 0)
      return verdict("safe", "returned the 429 at once: the route has no fallback to move to");
    return failedRequests(r, run.rows, "a long Retry-After");
  },
};

const serverErrorOnce: FaultCase = {
  id: "500-once",
  title: "a single 500: retry or fail over; the client never sees it",
  setup: () => ({
    durationMs: 1000,
    traffic: ONE_REQUEST,
    faults: [fault("status", { status: 500, forMs: FIRST_ATTEMPT })],
  }),
  judge: (r, run) => transient(r, run.rows, "a single 500"),
};

const resetOnce: FaultCase = {
  id: "reset-before-headers",
  title: "a connection reset before headers: retry or fail over",
  setup: () => ({ durationMs: 1000, traffic: ONE_REQUEST, faults: [fault("reset", { forMs: FIRST_ATTEMPT })] }),
  judge: (r, run) => transient(r, run.rows, "a connection reset"),
};

const outage: FaultCase = {
  id: "503-persistent",
  title: "503 on every attempt for minutes: fail over, and the breaker stops paying for the dead model",
  setup: () => ({ durationMs: 120_000, traffic: [{ count: 40, toMs: 120_000 }], faults: [fault("status")] }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    if (!run.rows.every((row) => row.ok)) return failedRequests(r, run.rows, "a persistent 503");
    const opened = run.summary.breakers.some((b) => b.model === r.primary.name && b.to === "open");
    if (opened) return verdict("pass", `failed over to \`${run.rows[0]!.servedModel}\`; the breaker opened`);
    return verdict("partial", `every request paid a failed attempt on \`${r.primary.name}\`: its breaker never opened`);
  },
};

const noResponse: FaultCase = {
  id: "no-response",
  title: "an upstream that accepts the request and never answers: time out and fail over",
  setup: () => ({ durationMs: 30_000, traffic: [{ count: 3, toMs: 30_000 }], faults: [fault("no_response")] }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    if (!run.rows.every((row) => row.ok)) return failedRequests(r, run.rows, "an upstream that never answered");
    const slowest = Math.max(...run.rows.map((row) => row.latencyMs));
    return verdict(
      "pass",
      `timed out and failed over to \`${run.rows[0]!.servedModel}\` (slowest ${duration(slowest)})`,
    );
  },
};

export const STATUS_CASES: FaultCase[] = [
  rateLimitSeconds,
  rateLimitDate,
  rateLimitBare,
  rateLimitOverCap,
  serverErrorOnce,
  outage,
  resetOnce,
  noResponse,
];
