// Worst-case figures computed by hand for small policies (the arithmetic is in each comment), and
// the shipped policies' figures pinned; the graph goldens (test/compile/golden) print them too.
import { afterAll, describe, expect, test } from "bun:test";
import { analyzeGraph, type RouteWorstCase } from "../../src/compile/analysis/worst-case.ts";
import { compilePolicyFile, compilePolicySource } from "../../src/compile/index.ts";
import { cleanupScratch, cli, ROOT, scratch } from "../cli/run-cli.ts";

afterAll(cleanupScratch);

const MODELS = `
provider a { kind simulated }
provider b { kind simulated }
model gpt4o { provider a  can [chat, stream]  context 128k  max_output 16k  price { input $2.50  output $10.00 } }
model sonnet { provider b  can [chat, stream]  context 200k  max_output 64k  price { input $3.00  output $15.00 } }
model mini { provider a  can [chat]  context 16k  max_output 4k  price { input $0.10  output $0.40 } }
`;

function worst(policy: string, route = "chat"): RouteWorstCase {
  return worstOf(policy)[route]!;
}

function worstOf(policy: string): Record<string, RouteWorstCase> {
  const result = compilePolicySource(MODELS + policy, "t.route");
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return Object.fromEntries(analyzeGraph(result.graph!).routes.map((r) => [r.route, r]));
}

const figures = (w: RouteWorstCase) => ({
  latencyMs: w.latencyMs,
  wallMs: w.wallMs,
  attempts: w.attempts,
  costUsd: w.costUsd,
});

describe("hand-computed worst cases", () => {
  test("a chain with retries: attempts × first_token plus backoff maxima", () => {
    // attempts 3, backoff base 1s max 4s, retry_after_cap 0: waits 1s, 2s per model.
    // gpt4o 3 × 20s + 3s = 63s, sonnet the same: 126s, under total 5m.
    // attempts: 2 models × 3 = 6 (max_per_request 6 by default).
    // cost: `timeout` not retried, so each model bills once:
    //   sonnet (200k − 64k) = 136k × $3 + 64k × $15 = $0.408 + $0.96 = $1.368
    //   gpt4o (128k − 16k) = 112k × $2.5 + 16k × $10 = $0.28 + $0.16 = $0.44 → $1.808
    const w = worst(`route chat {
      timeout { first_token 20s  total 5m }
      retry { attempts 3  backoff { base 1s  max 4s }  retry_after_cap 0s }
      otherwise -> [gpt4o, sonnet]
    }`);
    expect(figures(w)).toEqual({ latencyMs: 126_000, wallMs: 300_000, attempts: 6, costUsd: 1.808 });
  });

  test("max_per_request cuts the path, and total cuts the time", () => {
    // attempts 4, max_per_request 5: gpt4o 4 attempts, sonnet 1.
    // waits: backoff base 2s max 5s → 2s, 4s, 5s; retry_after_cap 3s → max(2,3)=3, 4, 5 = 12s.
    // time: 5 × first_token 30s + 12s = 162s; total 2m → 120s. wall: total (streams) 120s.
    // cost: each model bills once (no `timeout` in retry.on): $0.44 + $1.368 = $1.808.
    const w = worst(`route chat {
      timeout { first_token 30s  total 2m }
      retry { attempts 4  max_per_request 5  backoff { base 2s  max 5s }  retry_after_cap 3s }
      otherwise -> [gpt4o, sonnet]
    }`);
    expect(figures(w)).toEqual({ latencyMs: 120_000, wallMs: 120_000, attempts: 5, costUsd: 1.808 });
    expect(w.rules[0]!.uncappedMs).toBe(162_000);
  });

  test("connect longer than first_token sets the attempt time; no retry list means one attempt per model", () => {
    // retry.on [] : no failure is retried, so 1 attempt per model, no waits.
    // attempt time max(connect 15s, first_token 10s) = 15s; 2 models: 30s.
    // mini cannot stream but gpt4o can: wall is total 1m.
    // cost: gpt4o $0.44 + mini (16k − 4k) 12k × $0.10 + 4k × $0.40 = $0.0012 + $0.0016 = $0.0028 → $0.4428
    const w = worst(`route chat {
      timeout { connect 15s  first_token 10s  total 1m }
      retry { on [] }
      otherwise -> [gpt4o, mini]
    }`);
    expect(figures(w)).toEqual({ latencyMs: 30_000, wallMs: 60_000, attempts: 2, costUsd: 0.4428 });
  });

  test("a tokens bound caps the prompt; retrying timeouts bills every attempt", () => {
    // when tokens < 8k: prompt ≤ 7,999 tokens. retry.on has timeout, attempts 2: each bills twice.
    // gpt4o: 7,999 × $2.5 + 16k × $10 = $0.0199975 + $0.16 = $0.1799975, × 2 = $0.359995
    // mini:  7,999 × $0.1 + 4k × $0.4 = $0.0007999 + $0.0016 = $0.0023999, × 2 = $0.0047998
    // total $0.3647948. time: 2 × 2 × first_token 1m (default) + waits max(250ms, 20s cap) 20s × 2 = 4m40s.
    // mini alone cannot stream, gpt4o can: wall = total 10m (built-in).
    const w = worst(`route chat {
      retry { on [timeout, 5xx] }
      when tokens < 8k -> [gpt4o, mini]
      otherwise -> [sonnet] { retry { attempts 1 } }
    }`);
    const rule = w.rules[0]!;
    expect({ latencyMs: rule.latencyMs, wallMs: rule.wallMs, attempts: rule.attempts, costUsd: rule.costUsd }).toEqual({
      latencyMs: 280_000,
      wallMs: 600_000,
      attempts: 4,
      costUsd: 0.364795,
    });
    // otherwise: sonnet once, 1m; $1.368. The route's figures are the largest over its rules.
    expect(figures(w)).toEqual({ latencyMs: 280_000, wallMs: 600_000, attempts: 4, costUsd: 1.368 });
  });

  test("route targets use the inner route's settings; splits take their worst arm", () => {
    // inner: attempts 1 → [mini] once, max(connect 10s built-in, first_token 5s) = 10s;
    // no stream-capable model: wall = 10s. cost mini once $0.0028.
    // outer split: arm 1 [gpt4o] with outer settings: 2 attempts × 40s + wait max(min(8s, 250ms), 0s) = 250ms = 80.25s.
    // arm 2 route inner: 10s. The worst arm is gpt4o: 80.25s, 2 attempts, cost gpt4o once $0.44.
    const routes = worstOf(`route inner {
      timeout { first_token 5s }
      retry { attempts 1 }
      otherwise -> [mini]
    }
    route chat {
      timeout { first_token 40s  total 3m }
      retry { retry_after_cap 0s }
      otherwise -> split [ [gpt4o] 50%, route inner 50% ]
    }`);
    expect(figures(routes.chat!)).toEqual({ latencyMs: 80_250, wallMs: 180_000, attempts: 2, costUsd: 0.44 });
    expect(figures(routes.inner!)).toEqual({ latencyMs: 10_000, wallMs: 10_000, attempts: 1, costUsd: 0.0028 });
  });

  test("candidates that can never serve the rule's needs are left out", () => {
    // `when stream` guarantees the request needs stream, so mini (no stream) is always skipped:
    // only gpt4o, 2 attempts (built-in) × first_token 1m (built-in) + one wait min(8s, 250ms) = 250ms
    // (retry_after_cap 0s) = 120.25s; cost: gpt4o once, $0.44.
    const w = worst(`route chat {
      retry { retry_after_cap 0s }
      when stream -> [mini, gpt4o]
      otherwise -> [gpt4o]
    }`);
    expect(figures(w)).toEqual({ latencyMs: 120_250, wallMs: 600_000, attempts: 2, costUsd: 0.44 });
  });
});

describe("shipped policies", () => {
  // The figures the shipped policies declare bounds against (`switchyard graph` prints the paths).
  // default: 2 attempts per model, max_per_request 4, first_token 5s, and the built-in
  // retry_after_cap 20s as the wait: 4 × 5s + 2 × 20s = 60s = total.
  const EXPECTED: Record<string, Record<string, ReturnType<typeof figures>>> = {
    "default.route": {
      chat: { latencyMs: 60_000, wallMs: 60_000, attempts: 4, costUsd: 0.4574 },
      fast: { latencyMs: 60_000, wallMs: 60_000, attempts: 4, costUsd: 0.456 },
      embed: { latencyMs: 30_000, wallMs: 30_000, attempts: 2, costUsd: 0 },
    },
    "free-tiers.route": {
      chat: { latencyMs: 60_000, wallMs: 120_000, attempts: 3, costUsd: 0.0264 },
    },
    // multi-provider: first_token 30s, attempts 2, max_per_request 5, waits max(backoff ≤ 5s, retry_after_cap 10s) = 10s;
    // chat's three-model chain: 2 + 2 + 1 attempts = 5 × 30s + 2 waits × 10s = 170s; total 5m for a stream.
    "multi-provider.route": {
      balanced: { latencyMs: 140_000, wallMs: 300_000, attempts: 4, costUsd: 3.616 },
      chat: { latencyMs: 170_000, wallMs: 300_000, attempts: 5, costUsd: 3.69792 },
      cheap: { latencyMs: 170_000, wallMs: 300_000, attempts: 5, costUsd: 1.10224 },
      embed: { latencyMs: 70_000, wallMs: 70_000, attempts: 2, costUsd: 0.00032 },
      fast: { latencyMs: 140_000, wallMs: 300_000, attempts: 4, costUsd: 0.56432 },
      "gpt-4o": { latencyMs: 140_000, wallMs: 300_000, attempts: 4, costUsd: 3.616 },
    },
  };
  for (const file of Object.keys(EXPECTED)) {
    test(file, async () => {
      const result = await compilePolicyFile(`${ROOT}/policies/${file}`);
      const routes = Object.fromEntries(analyzeGraph(result.graph!).routes.map((r) => [r.route, figures(r)]));
      expect(routes).toEqual(EXPECTED[file]!);
    });
  }
});

describe("lint", () => {
  test("a broken bound fails lint with exit 1 and a code frame naming the settings", () => {
    const dir = scratch({
      "p.route": `${MODELS}
route chat {
  timeout { first_token 20s }
  retry { attempts 3  backoff { base 1s  max 4s }  retry_after_cap 0s }
  bounds { latency 30s }
  otherwise -> [gpt4o, sonnet]
}
`,
    });
    const run = cli(["lint", `${dir}/p.route`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "error[SY2037]: worst-case latency of route `chat` rule 1 (`otherwise`) is 2m6s, over its bound of 30s",
    );
    expect(run.stdout).toContain("^^^ bound 30s");
    expect(run.stdout).toContain("--- first_token 20s");
    expect(run.stdout).toContain("- attempts 3");
    expect(run.stdout).toContain(
      "3 attempts × first_token 20s on gpt4o (retry waits up to 3s), then 3 × 20s on sonnet (retry waits up to 3s): 2m6s > 30s",
    );
  });

  test("lint --format json carries the worst case of each policy", () => {
    const run = cli(["lint", "--format", "json", "policies/default.route"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.worstCase["policies/default.route"].routes.map((r: { route: string }) => r.route)).toEqual([
      "chat",
      "fast",
      "embed",
    ]);
  });
});
