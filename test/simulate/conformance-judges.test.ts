// Each conformance case's judge catches the wrong behaviour it exists for. The engine behaves, so
// the shipped policies cannot show these; here the judges read hand-made runs: a retry before the
// Retry-After, a prompt resent after a context-length refusal, a refusal retried, an unfinished
// stream passed off as complete, a finished one continued, extra probes, a breaker that never opens.
import { describe, expect, test } from "bun:test";
import { compilePolicyFile } from "../../src/compile/index.ts";
import type { AttemptRecord } from "../../src/runtime/api.ts";
import type { RequestRow } from "../../src/simulate/recorder.ts";
import { garbled } from "../../src/simulate/conformance/judge.ts";
import { FAULT_CASES } from "../../src/simulate/conformance/run.ts";
import type { CaseRun, RouteUnderTest } from "../../src/simulate/conformance/types.ts";
import type { Summary } from "../../src/simulate/summary.ts";

const graph = (await compilePolicyFile(`${import.meta.dir}/../../policies/default.route`)).graph!;
const model = (name: string) => graph.models.find((m) => m.name === name)!;
const chat = graph.routes.find((r) => r.name === "chat")!;
const ROUTE: RouteUnderTest = {
  route: "chat",
  primary: model("smart"),
  alternatives: [model("swift"), model("steady")],
  settings: chat.rules.find((r) => r.cond === null)!.settings,
};

type Try = [model: string, cls: AttemptRecord["cls"], startedAt: number, durationMs?: number];

function row(tries: Try[], over: Partial<RequestRow> = {}): RequestRow {
  const attempts = tries.map(([m, cls, startedAt, durationMs = 0]) => ({
    model: m,
    provider: model(m).provider,
    status: cls === "ok" ? 200 : null,
    cls,
    startedAt,
    durationMs,
    ttftMs: null,
    message: null,
  }));
  const last = attempts.at(-1)!;
  return {
    seq: 0,
    arrivedAt: 0,
    route: "chat",
    stream: true,
    ok: last.cls === "ok",
    status: last.cls === "ok" ? 200 : 503,
    errorKind: null,
    servedModel: last.cls === "ok" ? last.model : null,
    attempts: attempts.length,
    failovers: 0,
    continuations: 0,
    latencyMs: 1000,
    ttftMs: null,
    costUsd: 0,
    trail: {
      atResponse: "",
      servedAtResponse: null,
      final: tries.map((t) => `${t[0]}:${t[1]}`).join(","),
      attempts,
      text: "",
    },
    ...over,
  };
}

function judge(id: string, rows: RequestRow[], summary: Partial<Summary> = {}) {
  const c = FAULT_CASES.find((x) => x.id === id)!;
  const run: CaseRun = { rows, summary: { breakers: [], expectations: [], ...summary } as unknown as Summary };
  return c.judge(ROUTE, run);
}

describe("conformance judges catch the wrong behaviour", () => {
  test("case ids are unique", () => {
    expect(new Set(FAULT_CASES.map((c) => c.id)).size).toBe(FAULT_CASES.length);
  });

  test("a retry before the Retry-After (seconds, and an HTTP-date's whole second)", () => {
    const early = row([
      ["smart", "rate_limit", 300],
      ["smart", "ok", 800],
    ]);
    expect(judge("429-retry-after", [early]).grade).toBe("fail");
    const patient = row([
      ["smart", "rate_limit", 300],
      ["smart", "ok", 1300],
    ]);
    expect(judge("429-retry-after", [patient]).grade).toBe("pass");
    // 300 ms + 2 s names second 2: a retry at 1.9 s is early, at 2.0 s it is not
    expect(
      judge("429-retry-after-date", [
        row([
          ["smart", "rate_limit", 300],
          ["smart", "ok", 1900],
        ]),
      ]).grade,
    ).toBe("fail");
    expect(
      judge("429-retry-after-date", [
        row([
          ["smart", "rate_limit", 300],
          ["smart", "ok", 2000],
        ]),
      ]).grade,
    ).toBe("pass");
  });

  test("a request held past the cap on a long Retry-After; later requests sent into it", () => {
    const held = row(
      [
        ["smart", "rate_limit", 0],
        ["swift", "ok", 90_000],
      ],
      { latencyMs: 90_000 },
    );
    expect(judge("retry-after-over-cap", [held]).reason).toContain("past the cap");
    const first = row([
      ["smart", "rate_limit", 0],
      ["swift", "ok", 0],
    ]);
    const again = row([
      ["smart", "rate_limit", 5000],
      ["swift", "ok", 5000],
    ]);
    expect(judge("retry-after-over-cap", [first, again]).reason).toContain("1 later request(s) went to `smart`");
    const away = row([["swift", "ok", 5000]]);
    expect(judge("retry-after-over-cap", [first, away]).grade).toBe("pass");
  });

  test("a hung request fails every case", () => {
    const open = row([["smart", "timeout", 0]], { errorKind: "never_finished", ok: false });
    for (const c of FAULT_CASES) expect(judge(c.id, [open]).reason).toBe("1 of 1 requests never finished");
  });

  test("a prompt resent unchanged after context_length", () => {
    const resent = row([
      ["smart", "context_length", 0],
      ["steady", "ok", 10],
    ]); // steady's window is smaller
    expect(judge("context-length", [resent]).reason).toContain("resent the prompt unchanged to `steady`");
  });

  test("a refusal retried on the same model, or answered by another model against the policy", () => {
    const retried = row(
      [
        ["smart", "content_policy", 0],
        ["smart", "content_policy", 10],
      ],
      { ok: false, status: 400 },
    );
    expect(judge("content-policy", [retried]).grade).toBe("fail");
    const moved = row([
      ["smart", "content_policy", 0],
      ["swift", "ok", 10],
    ]);
    expect(judge("content-policy", [moved]).reason).toContain("another model's answer");
  });

  test("an unfinished stream passed off as complete; a finished one continued", () => {
    expect(judge("missing-terminator", [row([["smart", "ok", 0]])]).grade).toBe("fail");
    const continued = row(
      [
        ["smart", "cut", 0],
        ["swift", "ok", 10],
      ],
      { continuations: 1 },
    );
    expect(judge("finish-then-cut", [continued]).grade).toBe("fail");
    expect(
      judge("length-stop", [
        row([
          ["smart", "ok", 0],
          ["smart", "ok", 10],
        ]),
      ]).grade,
    ).toBe("fail");
  });

  test("a breaker that never opens is partial; extra probes in a half-open spell fail", () => {
    const failedOver = row([
      ["smart", "server", 0],
      ["swift", "ok", 1],
    ]);
    expect(judge("503-persistent", [failedOver]).grade).toBe("partial");
    const breakers = [
      { at: 0, model: "smart", from: "closed", to: "open" },
      { at: 100, model: "smart", from: "open", to: "half_open" },
      { at: 200, model: "smart", from: "half_open", to: "open" },
    ];
    const probes = [
      row([
        ["smart", "server", 110],
        ["swift", "ok", 111],
      ]),
      row([
        ["smart", "server", 120],
        ["swift", "ok", 121],
      ]),
    ];
    const ok = [{ passed: true, measured: "" }];
    expect(judge("flapping-primary", probes, { breakers, expectations: ok } as never).reason).toContain(
      "2 attempts during one half-open spell",
    );
  });

  test("an answer whose text was repeated, lost or cut short by a continuation", () => {
    const withText = (text: string) => {
      const r = row([
        ["smart", "cut", 0],
        ["swift", "ok", 10],
      ]);
      r.trail = { ...r.trail!, text };
      return [r];
    };
    const three = () => 3;
    expect(garbled(withText("token1 token2 token3"), three)).toBeNull();
    expect(garbled(withText("token1 token2 token3 token4"), three)).toBeNull(); // continued past the end: allowed
    expect(garbled(withText("token1 token2 token2 token3"), three)?.reason).toContain(
      "near `token1 token2 token2 token3`",
    );
    expect(garbled(withText("token1 token3"), three)?.grade).toBe("fail");
    expect(garbled(withText("token1 token2"), three)?.grade).toBe("fail");
    expect(garbled(withText("token1 token2token3"), three)?.grade).toBe("fail");
  });

  test("a retry storm on a dead model under a herd is partial", () => {
    const storm = row([
      ["smart", "server", 0],
      ["smart", "server", 100],
      ["swift", "ok", 200],
    ]);
    expect(judge("thundering-herd", [storm]).grade).toBe("partial");
  });
});
