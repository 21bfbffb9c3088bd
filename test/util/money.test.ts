// Costs reach people rounded: no float noise (`9.000000000000001e-7`) in log lines, `state show`
// or simulate summaries, and no exponent or `$0.0000` hiding a small cost.
import { describe, expect, test } from "bun:test";
import type { OutcomeMeta } from "../../src/runtime/api.ts";
import { requestLogLine } from "../../src/server/request-log.ts";
import { renderText } from "../../src/simulate/render-text.ts";
import { renderSnapshot } from "../../src/state/show.ts";
import { formatUsd, roundUsd } from "../../src/util/money.ts";

const NOISY = (0.1 * 3 + 0.6) / 1e6; // 9.000000000000001e-7: prices summed in floating point

describe("money", () => {
  test("roundUsd keeps nano-dollars and drops the noise", () => {
    expect(String(NOISY)).toBe("9.000000000000001e-7");
    expect(roundUsd(NOISY)).toBe(9e-7);
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
    expect(roundUsd(1234.5678901234)).toBe(1234.567890123);
  });

  test("formatUsd: cents from $1, three significant digits below, never an exponent", () => {
    expect([12.345, 1, 0.3, 0.0425, 0.001, NOISY, 0.000123456, 0].map(formatUsd)).toEqual([
      "$12.35",
      "$1.00",
      "$0.30",
      "$0.0425",
      "$0.001",
      "$0.0000009",
      "$0.000123",
      "$0.00",
    ]);
  });

  test("a request log line carries the rounded cost", () => {
    const meta = { costUsd: NOISY } as OutcomeMeta;
    const line = requestLogLine(
      {
        id: "r",
        method: "POST",
        path: "/v1/chat/completions",
        route: "chat",
        status: 200,
        durationMs: 1,
        ttftMs: null,
        overheadMs: 0,
        stream: false,
        meta,
        error: null,
      },
      0,
    );
    expect(line).toContain('"costUsd":9e-7,');
  });

  test("state show prints a small cost as dollars, not $0.0000", () => {
    const state = {
      breakers: {},
      windows: {},
      quotas: {},
      cursors: {},
      sticky: {},
      counters: { m: { requests: 1, successes: 1, failures: 0, tokensIn: 3, tokensOut: 0, costUsd: NOISY } },
    };
    expect(renderSnapshot({ path: "s", format: "json", version: 1, bytes: 1, writtenAt: 0, state })).toContain(
      "3 tokens in, 0 out · $0.0000009\n",
    );
  });

  test("the simulate summary prints the rounded cost", () => {
    const summary = {
      durationMs: 1000,
      scenario: "s",
      policy: "p",
      seed: 1,
      totals: {
        requests: 1,
        streams: 0,
        successes: 1,
        successRate: 1,
        failedOver: 0,
        failovers: 0,
        continuations: 0,
        errorsByKind: {},
        meanAttempts: 1,
        maxAttempts: 1,
        costUsd: NOISY,
      },
      latencyMs: { p50: 1, p95: 1, p99: 1 },
      ttftMs: { p50: null, p95: null, p99: null },
      models: [],
      breakers: [],
      expectations: [],
    };
    expect(renderText(summary as never)).toContain("cost          $0.0000009\n");
  });
});
