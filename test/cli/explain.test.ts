// `switchyard explain` on fixtures (test/cli/explain/): a capability skip, an open breaker and a
// spent quota read from a snapshot, a sticky session and a weighted draw. The snapshots are written
// here, as of a fixed time, so each trace (and its "for 25s more") is the same on every run.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeState } from "../../src/runtime/api.ts";
import { encodeSnapshot } from "../../src/state/codec.ts";
import { cleanupScratch, cli, scratch } from "./run-cli.ts";

afterAll(cleanupScratch);

const FIXTURES = join(import.meta.dir, "explain");
const POLICY = join(FIXTURES, "policy.route");
/** 2026-01-01T00:00:00Z: snapshots are "written" then, and explain decides as of then. */
const AT = Date.UTC(2026, 0, 1);

const closed = {
  phase: "closed" as const,
  consecutiveFailures: 0,
  openedAt: null,
  probesInFlight: 0,
  probeSuccesses: 0,
};

function snapshot(state: Partial<RuntimeState>): string {
  const full: RuntimeState = { breakers: {}, windows: {}, quotas: {}, cursors: {}, sticky: {}, counters: {}, ...state };
  const dir = scratch({});
  const path = join(dir, "state.json");
  writeFileSync(path, encodeSnapshot(full, AT, "json"));
  return path;
}

function explain(request: string, state: Partial<RuntimeState> = {}, format = "human") {
  return cli(["explain", POLICY, join(FIXTURES, request), "--state", snapshot(state), "--format", format]);
}

describe("switchyard explain", () => {
  test("a capability skip: a text-only model is passed over for an image", () => {
    const run = explain("vision.json");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`explain: a request to \`chat\` at 2026-01-01T00:00:00.000Z

needs       [vision]  prompt ≈ 4 tokens  max_tokens not given  no stream
rules
  chat rule 1 (line 12): when header "x-session" starts_with "s-"  → no match
  chat rule 2 (line 13): when metadata "mix" == "yes"  → no match
  chat rule 3 (line 14): when vision  → matched
strategy    priority (candidates below in the order it gave)
candidates
  1. text-only  skipped: cannot \`vision\` (can chat, stream)
  2. vision-a   kept (breaker closed)
  3. vision-b   kept (breaker closed)
chosen      vision-a (the first attempt; failover follows the kept candidates in order)
settings in force
  timeout  connect 10s  first_token 1m  idle 30s  total 10m
  retry    attempts 2  max_per_request 6  backoff 250ms..8s jitter 20%  retry_after_cap 20s
           on [429, 500, 502, 503, 504, connect, reset]
  breaker  failures 5  error_rate 50% over 1m (min 20)  cooldown 30s  probes 1  successes 2
  stream   on_break continue  tool_calls hold  failover on_content_policy false
`);
  });

  test("an open breaker from the snapshot: skipped until its cool-down ends", () => {
    const open = {
      phase: "open" as const,
      consecutiveFailures: 5,
      openedAt: AT - 5_000,
      probesInFlight: 0,
      probeSuccesses: 0,
    };
    const run = explain("vision.json", { breakers: { "vision-a": open, "vision-b": closed } });
    expect(run.code).toBe(0);
    // opened 5s before the snapshot, cooldown 30s: 25s to go
    expect(run.stdout).toContain(
      "  2. vision-a   skipped: breaker open (model open, provider closed) for 25s more (until 2026-01-01T00:00:25.000Z)\n",
    );
    expect(run.stdout).toContain("chosen      vision-b");
  });

  test("a spent quota from the snapshot: skipped until the window resets", () => {
    const run = explain("plain.json", { quotas: { "provider:p2:requests:day": { windowStart: AT, used: 2 } } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  chat rule 4 (line 15): otherwise  → matched\n");
    // requests 2/day on p2, both used today: free is skipped until the next UTC day
    expect(run.stdout).toContain(
      "  1. free       skipped: quota spent for 86400s more (until 2026-01-02T00:00:00.000Z)\n",
    );
    expect(run.stdout).toContain("chosen      text-only");
  });

  test("a sticky session: the pinned model goes first", () => {
    // rule 1 of `chat` is target `chat#0`; the session `s-42` was last served by vision-a
    const run = explain("sticky.json", { sticky: { "chat#0:s-42": "vision-a" } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  chat rule 1 (line 12): when header "x-session" starts_with "s-"  → matched\n');
    expect(run.stdout).toContain("strategy    sticky");
    expect(run.stdout).toContain("  1. vision-a   kept (breaker closed)\n  2. text-only  kept (breaker closed)\n");
    expect(run.stdout).toContain("chosen      vision-a");
  });

  test("a weighted draw, as JSON", () => {
    const run = explain("weighted.json", {}, "json");
    expect(run.code).toBe(0);
    const trace = JSON.parse(run.stdout);
    expect(trace.rules.map((r: { matched: boolean }) => r.matched)).toEqual([false, true]);
    expect(trace.strategy).toBe("weighted");
    // explain draws from a fixed seed (0): its first draw, 0.979 × weight 4, lands past text-only's
    // 3, so vision-a (weight 1) comes first, then text-only
    expect(trace.candidates.map((c: { model: string; skip: string | null }) => [c.model, c.skip])).toEqual([
      ["vision-a", null],
      ["text-only", null],
    ]);
    expect(trace.chosen).toBe("vision-a");
    expect(trace.needs).toEqual({ caps: [], promptTokens: 2, maxTokens: 0, stream: false });
  });

  test("bad input: a missing request file or a body that is not a chat request exits 2 with a reason", () => {
    const missing = cli(["explain", POLICY, join(FIXTURES, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the request");
    const dir = scratch({ "bad.json": '{"model":"chat"}' });
    const bad = cli(["explain", POLICY, join(dir, "bad.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a valid chat body");
  });
});
