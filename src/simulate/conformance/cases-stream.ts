// Cases for replies that go wrong after they started: a slow first token, a stream cut or stalled
// mid-answer, malformed data, an in-band error event after content, a missing terminator, a finish
// followed by a dropped connection, and a deliberate `length` stop that is no fault at all.
import type { RequestRow } from "../recorder.ts";
import { fault } from "./build.ts";
import { duration, failedRequests, hung, verdict } from "./judge.ts";
import type { CaseRun, FaultCase, RouteUnderTest, Verdict } from "./types.ts";

const STREAMS = [{ count: 4, toMs: 20_000, stream: 1 }];

/**
 * A stream that broke after content: continuing it is right; a clean error event is safe when the
 * policy chose not to continue; an error reaching a client the policy meant to shield is a fail.
 */
function brokenStreamJudge(what: string) {
  return (r: RouteUnderTest, run: CaseRun): Verdict => {
    const h = hung(run.rows);
    if (h) return h;
    const failed = run.rows.filter((row) => !row.ok);
    if (failed.length === 0) {
      const continued = run.rows.filter((row) => row.continuations > 0).length;
      return verdict("pass", `${what}: ${continued} of ${run.rows.length} streams continued seamlessly`);
    }
    if (r.settings.stream.onBreak !== "continue" && failed.every((row) => row.errorKind === "stream_error"))
      return verdict("safe", `${what}: ended with an error event (\`on_break ${r.settings.stream.onBreak}\`)`);
    return failedRequests(r, run.rows, what);
  };
}

const slowFirstToken: FaultCase = {
  id: "slow-first-token",
  title: "the first token comes after twice the first_token timeout: give up on it and fail over",
  setup: (r) => ({
    durationMs: 20_000,
    traffic: STREAMS,
    faults: [fault("slow_first_token", { delayMs: 2 * r.settings.timeout.firstTokenMs })],
  }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    if (!run.rows.every((row) => row.ok)) return failedRequests(r, run.rows, "a slow first token");
    const waited = Math.max(...run.rows.map((row) => row.ttftMs ?? row.latencyMs));
    if (run.rows.some((row) => row.servedModel === r.primary.name))
      return verdict("partial", `served by the slow \`${r.primary.name}\` after ${duration(waited)}`);
    return verdict("pass", `failed over after the first_token timeout (first chunk by ${duration(waited)})`);
  },
};

const cutMidAnswer: FaultCase = {
  id: "stream-cut",
  title: "the stream is cut mid-answer: continue on the next model, or end with a clean error",
  setup: () => ({ durationMs: 20_000, traffic: STREAMS, faults: [fault("cut_after", { tokens: 10 })] }),
  judge: brokenStreamJudge("cut after 10 tokens"),
};

const errorEvent: FaultCase = {
  id: "error-event-after-content",
  title: "an in-band error event after content: treated as a break, never as the end of the answer",
  setup: () => ({ durationMs: 20_000, traffic: STREAMS, faults: [fault("error_event", { tokens: 10 })] }),
  judge: brokenStreamJudge("error event after 10 tokens"),
};

const stall: FaultCase = {
  id: "stall-past-idle",
  title: "the stream stalls, connection open: the idle timeout notices well before the total timeout",
  setup: () => ({ durationMs: 20_000, traffic: STREAMS, faults: [fault("stall_after", { tokens: 10 })] }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    const total = r.settings.timeout.totalMs;
    const held = run.rows.find((row) => row.latencyMs >= total);
    if (held)
      return verdict(
        "fail",
        `a stalled stream held the client ${duration(held.latencyMs)}, until the total timeout: no idle timeout caught it`,
      );
    return brokenStreamJudge(`stalled, noticed after ${duration(r.settings.timeout.idleMs)}`)(r, run);
  },
};

const malformed: FaultCase = {
  id: "malformed-event",
  title: "a reply or event that is not JSON: never forwarded; fail over",
  setup: () => ({
    durationMs: 20_000,
    traffic: [{ count: 4, toMs: 20_000, stream: 0.5 }],
    faults: [fault("malformed")],
  }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    if (!run.rows.every((row) => row.ok)) return failedRequests(r, run.rows, "malformed data");
    return verdict("pass", `failed over to \`${run.rows[0]!.servedModel}\``);
  },
};

const missingTerminator: FaultCase = {
  id: "missing-terminator",
  title: "every token but no finish_reason or terminator: not a complete answer; continue or fail cleanly",
  setup: () => ({ durationMs: 20_000, traffic: STREAMS, faults: [fault("no_terminator")] }),
  judge: (r, run) => {
    const h = hung(run.rows);
    if (h) return h;
    const passedOff = run.rows.find((row) => row.ok && row.continuations === 0 && row.servedModel === r.primary.name);
    if (passedOff) return verdict("fail", "a stream that ended without a finish_reason was passed off as complete");
    return brokenStreamJudge("ended without a terminator")(r, run);
  },
};

/** The answer was whole: anything but one clean success per request is wrong. */
function wholeAnswerJudge(what: string) {
  return (_r: RouteUnderTest, run: CaseRun): Verdict => {
    const h = hung(run.rows);
    if (h) return h;
    const bad = (row: RequestRow) => !row.ok || row.continuations > 0 || row.attempts > 1;
    const wrong = run.rows.find(bad);
    if (!wrong) return verdict("pass", `${what}: served as is, one attempt each`);
    const done = wrong.ok ? `was retried or continued (${wrong.trail?.final})` : `failed (${wrong.errorKind})`;
    return verdict("fail", `${what}, a complete answer ${done}`);
  };
}

const finishThenCut: FaultCase = {
  id: "finish-then-cut",
  title: "finish_reason arrives, then the connection drops before the terminator: the answer is complete",
  setup: () => ({ durationMs: 20_000, traffic: STREAMS, faults: [fault("cut_after_finish")] }),
  judge: wholeAnswerJudge("finish then cut"),
};

const lengthStop: FaultCase = {
  id: "length-stop",
  replyTokens: 20,
  title: "a deliberate `length` stop (max_tokens reached) is not a fault: no retry, no continuation",
  setup: () => ({
    durationMs: 20_000,
    traffic: [{ count: 4, toMs: 20_000, stream: 0.5 }],
    faults: [fault("length_stop", { tokens: 20 })],
  }),
  judge: wholeAnswerJudge("`length` stop"),
};

export const STREAM_CASES: FaultCase[] = [
  slowFirstToken,
  cutMidAnswer,
  stall,
  malformed,
  errorEvent,
  missingTerminator,
  finishThenCut,
  lengthStop,
];
