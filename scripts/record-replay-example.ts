// Records policies/scenarios/default-traffic.jsonl, the shipped example for `simulate --replay`: 30
// seconds of chat traffic through the real gateway (policies/default.route, each provider pointed at
// a mock upstream on 127.0.0.1) while `smart` has an outage from 8s to 20s, `swift` answers some
// calls 429 with Retry-After (twice in a row now and then, so `steady` serves), and `steady` cuts
// some streams. The lines are serve's own log lines.
//
// run: bun scripts/record-replay-example.ts   (takes about 30 seconds of wall time)
import { compilePolicyFile } from "../src/compile/index.ts";
import { recordLog, type UpstreamPlan } from "../test/simulate/replay-recording.ts";

const ROOT = `${import.meta.dir}/..`;
const OUT = `${ROOT}/policies/scenarios/default-traffic.jsonl`;
const REQUESTS = 300;
const GAP_MS = 100;

const PLANS: Record<string, UpstreamPlan> = {
  smart: (_n, _stream, elapsedMs) => (elapsedMs >= 8_000 && elapsedMs < 20_000 ? { status: 503 } : "ok"),
  swift: (n) => (n % 9 === 4 || n % 9 === 5 ? { status: 429, retryAfterMs: 300 } : "ok"),
  steady: (n, stream) => (stream && n % 5 === 2 ? "cut" : "ok"),
};

const compiled = await compilePolicyFile(`${ROOT}/policies/default.route`);
if (compiled.graph === null) throw new Error("policies/default.route does not compile");
const started = performance.now();
const lines = await recordLog(compiled.graph, PLANS, REQUESTS, {
  pace: (i) => Bun.sleep(Math.max(0, started + i * GAP_MS - performance.now())),
});
const header = [
  "# 30s of chat traffic recorded from `serve` on policies/default.route (scripts/record-replay-example.ts):",
  "# smart is down from 8s to 20s; swift answers some calls 429 with Retry-After; steady, the last resort, cuts some streams.",
  "# run: npm run simulate -- --replay policies/scenarios/default-traffic.jsonl policies/default.route",
];
await Bun.write(OUT, `${[...header, ...lines].join("\n")}\n`);
console.log(`wrote ${lines.length} request lines to ${OUT}`);
